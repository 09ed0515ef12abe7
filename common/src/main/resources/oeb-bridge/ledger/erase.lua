-- Erases one award of a learner, unless it is being issued right now.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] assertion index, KEYS[4] expiries, KEYS[5] revocations
-- ARGV[1] the award's rule:user
local held = redis.call('HMGET', KEYS[1], 'state', 'assertion', 'previousAssertions')
if not held[1] then
  return 'missing'
end
if held[1] == 'pending' then
  return 'busy'
end
if held[2] then
  redis.call('HDEL', KEYS[3], held[2])
end
if held[3] then
  for previous in string.gmatch(held[3], '%S+') do
    redis.call('HDEL', KEYS[3], previous)
  end
end
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('HINCRBY', KEYS[2], held[1], -1)
redis.call('DEL', KEYS[1])
return 'erased'
