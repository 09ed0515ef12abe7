-- Records what OEB's change feed says about an assertion the bridge issued: a revocation (with
-- its reason) or an expiry date. Only for the assertion the award still holds: an award that was
-- re-earned since holds a newer one, and an erased learner's award is gone.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] expiries
-- ARGV[1] assertion, ARGV[2] '1' when revoked, ARGV[3] revocation reason, ARGV[4] expires (ISO, or ''),
-- ARGV[5] expires (ms, or ''), ARGV[6] now (ms), ARGV[7] now (ISO), ARGV[8] the award's rule:user
local held = redis.call('HMGET', KEYS[1], 'state', 'assertion')
if held[2] ~= ARGV[1] then
  return 'other'
end
local state = held[1]
local function move(to)
  redis.call('HSET', KEYS[1], 'state', to)
  redis.call('HINCRBY', KEYS[2], state, -1)
  redis.call('HINCRBY', KEYS[2], to, 1)
end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'expires', ARGV[4])
else
  redis.call('HDEL', KEYS[1], 'expires')
end
if ARGV[2] == '1' then
  redis.call('ZREM', KEYS[3], ARGV[8])
  if state == 'revoked' then
    return 'unchanged'
  end
  -- a revocation the bridge sent, whose answer was lost, is the bridge's
  local by = redis.call('HEXISTS', KEYS[1], 'revokeError') == 1 and 'bridge' or 'oeb'
  redis.call('HSET', KEYS[1], 'revokedAt', ARGV[7], 'revocationReason', ARGV[3], 'revokedBy', by, 'closedAt', ARGV[6])
  redis.call('HDEL', KEYS[1], 'revokeAt', 'lostSince', 'revokeError')
  move('revoked')
  return 'revoked'
end
if ARGV[5] ~= '' and tonumber(ARGV[5]) <= tonumber(ARGV[6]) then
  redis.call('ZREM', KEYS[3], ARGV[8])
  if state == 'issued' then
    redis.call('HSET', KEYS[1], 'expiredAt', ARGV[7], 'closedAt', ARGV[5])
    redis.call('HDEL', KEYS[1], 'lostSince', 'revokeAt', 'revokeError')
    move('expired')
    return 'expired'
  end
  return 'unchanged'
end
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[8])
else
  redis.call('ZREM', KEYS[3], ARGV[8])
end
if state == 'expired' then
  -- OEB moved the expiry date into the future (an assertion edited with PUT)
  redis.call('HDEL', KEYS[1], 'expiredAt', 'closedAt')
  move('issued')
  return 'renewed'
end
return 'unchanged'
