-- Marks an issued award expired once its expiry date has passed.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] expiries
-- ARGV[1] the award's rule:user, ARGV[2] now (ms), ARGV[3] now (ISO)
local due = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then
  return 'not-due'
end
redis.call('ZREM', KEYS[3], ARGV[1])
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'issued' then
  return 'unchanged'
end
redis.call('HSET', KEYS[1], 'state', 'expired', 'expiredAt', ARGV[3], 'closedAt', due)
-- a revocation scheduled for a lost achievement is moot; a renewed award is watched afresh
redis.call('HDEL', KEYS[1], 'lostSince', 'revokeAt', 'revokeError')
redis.call('HINCRBY', KEYS[2], 'issued', -1)
redis.call('HINCRBY', KEYS[2], 'expired', 1)
return 'expired'
