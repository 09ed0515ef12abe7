-- Records lost and regained achievements of awards whose rules revoke when the achievement is lost.
-- Only an issued award is scheduled, and only once: a later observation does not move its date.
-- KEYS[1] revocation schedule, KEYS[2..] awards
-- ARGV[1] now (ms), ARGV[2] now (ISO); then per award: 'lost' or 'regained', its rule:user, grace period (ms)
local changed = 0
for i = 2, #KEYS do
  local base = 3 + (i - 2) * 3
  local what, member, grace = ARGV[base], ARGV[base + 1], ARGV[base + 2]
  local held = redis.call('HMGET', KEYS[i], 'state', 'lostSince')
  if what == 'lost' then
    if held[1] == 'issued' and not held[2] then
      local at = tonumber(ARGV[1]) + tonumber(grace)
      redis.call('HSET', KEYS[i], 'lostSince', ARGV[2], 'revokeAt', at)
      redis.call('ZADD', KEYS[1], at, member)
      changed = changed + 1
    end
  elseif held[2] then
    redis.call('HDEL', KEYS[i], 'lostSince', 'revokeAt', 'revokeError')
    redis.call('ZREM', KEYS[1], member)
    changed = changed + 1
  end
end
return changed
