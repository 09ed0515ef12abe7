-- Lifts an institution's pause and makes every parked job due now.
-- KEYS[1] paused, KEYS[2] retries
redis.call('DEL', KEYS[1])
local parked = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, award in ipairs(parked) do
  redis.call('ZADD', KEYS[2], 0, award)
end
return #parked
