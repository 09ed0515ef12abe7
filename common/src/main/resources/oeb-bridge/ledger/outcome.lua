-- Records the outcome of one attempt and acknowledges its job, in one step, but only for the
-- award's current owner: a worker that lost the award (its lease ran out and another took
-- over) changes nothing and acknowledges nothing.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] issuance stream, KEYS[4] retries, KEYS[5] dead letters,
-- KEYS[6] paused, KEYS[7] assertion index (assertion entityId to rule:user), KEYS[8] assertions the bridge did
-- not issue (the change feed may have listed this one there before its outcome was known)
-- ARGV[1] action, ARGV[2] consumer, ARGV[3] fence, ARGV[4] group, ARGV[5] now (ms), ARGV[6] now (ISO),
-- ARGV[7] what became of this attempt's POST: 'none' (no POST, or it succeeded), 'unsent' (answered:
-- not processed, or never sent) or 'ambiguous' (OEB may still store it),
-- ARGV[8..] by action:
--   issued  assertion, how, state ('issued' or 'revoked')
--   retry   at (ms), error, '1' when it counts as a failure
--   dead    reason
--   pause   reason, pause (ms), at (ms)
--   release (none): back into the queue at once
local held = redis.call('HMGET', KEYS[1], 'state', 'owner', 'fence', 'entry', 'rule', 'user')
if held[1] ~= 'pending' or held[2] ~= ARGV[2] or held[3] ~= ARGV[3] then
  return 'stale'
end
local action = ARGV[1]
local postedAt = redis.call('HGET', KEYS[1], 'postedAt')
if postedAt and ARGV[7] == 'unsent' then
  redis.call('HSET', KEYS[1], 'unsentPostAt', postedAt)
elseif postedAt and ARGV[7] == 'ambiguous' then
  redis.call('HSET', KEYS[1], 'ambiguousPostAt', postedAt)
end
if action == 'issued' then
  redis.call('HSET', KEYS[1], 'state', ARGV[10], 'assertion', ARGV[8], 'issuedAt', ARGV[6], 'issuedBy', ARGV[9])
  if ARGV[10] == 'revoked' then
    -- found revoked: closed now, as far as a rule that may be re-earned is concerned
    redis.call('HSET', KEYS[1], 'closedAt', ARGV[5])
  end
  redis.call('HSET', KEYS[7], ARGV[8], held[5] .. ':' .. held[6])
  if redis.call('HDEL', KEYS[8], ARGV[8]) == 1 then
    redis.call('HINCRBY', KEYS[2], 'foreign', -1)
  end
  redis.call('HDEL', KEYS[1], 'lastError', 'nextAttemptAt', 'failingSince')
  redis.call('HINCRBY', KEYS[2], 'pending', -1)
  redis.call('HINCRBY', KEYS[2], ARGV[10], 1)
elseif action == 'retry' then
  redis.call('HSET', KEYS[1], 'lastError', ARGV[9], 'nextAttemptAt', ARGV[8])
  if ARGV[10] == '1' then
    redis.call('HINCRBY', KEYS[1], 'failures', 1)
    redis.call('HSETNX', KEYS[1], 'failingSince', ARGV[6])
  end
  redis.call('ZADD', KEYS[4], ARGV[8], KEYS[1])
elseif action == 'dead' then
  local letter = redis.call('XADD', KEYS[5], '*', 'rule', held[5], 'user', held[6], 'reason', ARGV[8], 'at', ARGV[6])
  redis.call('HSET', KEYS[1], 'state', 'dead', 'deadReason', ARGV[8], 'deadEntry', letter, 'deadAt', ARGV[6])
  redis.call('HDEL', KEYS[1], 'nextAttemptAt')
  redis.call('HINCRBY', KEYS[2], 'pending', -1)
  redis.call('HINCRBY', KEYS[2], 'dead', 1)
elseif action == 'pause' then
  redis.call('SET', KEYS[6], ARGV[8], 'PX', ARGV[9])
  redis.call('HSET', KEYS[1], 'lastError', ARGV[8], 'nextAttemptAt', ARGV[10])
  redis.call('ZADD', KEYS[4], ARGV[10], KEYS[1])
elseif action == 'release' then
  redis.call('ZADD', KEYS[4], ARGV[5], KEYS[1])
else
  return redis.error_reply('unknown action ' .. action)
end
redis.call('HDEL', KEYS[1], 'owner', 'leaseUntil', 'entry')
if held[4] then
  redis.call('XACK', KEYS[3], ARGV[4], held[4])
  redis.call('XDEL', KEYS[3], held[4])
end
return 'ok'
