-- Enters recipients into a manual batch, in one step with the check that the batch keeps its
-- badge class and its size limit, so that replicas submitting at once cannot mix badge classes
-- or grow it past the limit. A recipient already entered keeps the line that entered them.
-- KEYS[1] the institution's batches, KEYS[2] the batch, KEYS[3] its recipients
-- ARGV[1] batch id, ARGV[2] badge class, ARGV[3] now (ms), ARGV[4] now (ISO), ARGV[5] most recipients,
-- ARGV[6..] user id, line, user id, line, ...
-- Returns {'ok', recipients new to the batch}, {'conflict', its badge class} or {'full', recipients held}
local known = redis.call('HGET', KEYS[2], 'badgeClass')
if known and known ~= ARGV[2] then
  return { 'conflict', known }
end
local fresh = 0
for i = 6, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[3], ARGV[i]) == 0 then
    fresh = fresh + 1
  end
end
local held = redis.call('HLEN', KEYS[3])
if held + fresh > tonumber(ARGV[5]) then
  return { 'full', tostring(held) }
end
if not known then
  redis.call('HSET', KEYS[2], 'badgeClass', ARGV[2], 'createdAt', ARGV[4])
  redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1])
end
redis.call('HSET', KEYS[2], 'lastSubmittedAt', ARGV[4])
redis.call('HINCRBY', KEYS[2], 'submissions', 1)
for i = 6, #ARGV, 2 do
  redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1])
end
return { 'ok', tostring(fresh) }
