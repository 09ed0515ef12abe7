-- Records that the owner is about to POST: only the award's owner, with its fence, may.
-- KEYS[1] award; ARGV[1] consumer, ARGV[2] fence, ARGV[3] now (ms)
local held = redis.call('HMGET', KEYS[1], 'state', 'owner', 'fence')
if held[1] ~= 'pending' or held[2] ~= ARGV[1] or held[3] ~= ARGV[2] then
  return 'lost'
end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'postedAt', ARGV[3])
return 'ok'
