-- Drops a dead award for good; the rule will not fire again for the learner.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] dead letters; ARGV[1] now (ISO)
local held = redis.call('HMGET', KEYS[1], 'state', 'deadEntry')
if held[1] ~= 'dead' then
  return held[1] or 'missing'
end
redis.call('HSET', KEYS[1], 'state', 'discarded', 'discardedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'latest')
redis.call('HINCRBY', KEYS[2], 'dead', -1)
redis.call('HINCRBY', KEYS[2], 'discarded', 1)
if held[2] then
  redis.call('XDEL', KEYS[3], held[2])
end
return 'discarded'
