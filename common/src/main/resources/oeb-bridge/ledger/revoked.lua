-- Records that the bridge revoked an award in OEB because the learner lost the achievement.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] revocation schedule, KEYS[4] expiries
-- ARGV[1] assertion, ARGV[2] reason, ARGV[3] now (ISO), ARGV[4] the award's rule:user, ARGV[5] now (ms)
redis.call('ZREM', KEYS[3], ARGV[4])
local held = redis.call('HMGET', KEYS[1], 'state', 'assertion')
if held[2] ~= ARGV[1] then
  return 'other'
end
if held[1] ~= 'issued' and held[1] ~= 'expired' then
  return 'unchanged'
end
redis.call('ZREM', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[1], 'state', 'revoked', 'revokedAt', ARGV[3], 'revocationReason', ARGV[2],
  'revokedBy', 'bridge', 'closedAt', ARGV[5])
redis.call('HDEL', KEYS[1], 'revokeAt', 'revokeError', 'lostSince')
redis.call('HINCRBY', KEYS[2], held[1], -1)
redis.call('HINCRBY', KEYS[2], 'revoked', 1)
return 'revoked'
