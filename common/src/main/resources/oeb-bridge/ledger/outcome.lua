-- Records the outcome of one attempt and acknowledges its job, in one step, but only for the
-- award's current owner: a worker that lost the award (its lease ran out and another took
-- over) changes nothing and acknowledges nothing.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] issuance stream, KEYS[4] retries, KEYS[5] dead letters,
-- KEYS[6] paused
-- ARGV[1] action, ARGV[2] consumer, ARGV[3] fence, ARGV[4] group, ARGV[5] now (ms), ARGV[6] now (ISO),
-- ARGV[7..] by action:
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
if action == 'issued' then
  redis.call('HSET', KEYS[1], 'state', ARGV[9], 'assertion', ARGV[7], 'issuedAt', ARGV[6], 'issuedBy', ARGV[8])
  redis.call('HDEL', KEYS[1], 'lastError', 'nextAttemptAt', 'failingSince')
  redis.call('HINCRBY', KEYS[2], 'pending', -1)
  redis.call('HINCRBY', KEYS[2], ARGV[9], 1)
elseif action == 'retry' then
  redis.call('HSET', KEYS[1], 'lastError', ARGV[8], 'nextAttemptAt', ARGV[7])
  if ARGV[9] == '1' then
    redis.call('HINCRBY', KEYS[1], 'failures', 1)
    redis.call('HSETNX', KEYS[1], 'failingSince', ARGV[6])
  end
  redis.call('ZADD', KEYS[4], ARGV[7], KEYS[1])
elseif action == 'dead' then
  local letter = redis.call('XADD', KEYS[5], '*', 'rule', held[5], 'user', held[6], 'reason', ARGV[7], 'at', ARGV[6])
  redis.call('HSET', KEYS[1], 'state', 'dead', 'deadReason', ARGV[7], 'deadEntry', letter, 'deadAt', ARGV[6])
  redis.call('HDEL', KEYS[1], 'nextAttemptAt')
  redis.call('HINCRBY', KEYS[2], 'pending', -1)
  redis.call('HINCRBY', KEYS[2], 'dead', 1)
elseif action == 'pause' then
  redis.call('SET', KEYS[6], ARGV[7], 'PX', ARGV[8])
  redis.call('HSET', KEYS[1], 'lastError', ARGV[7], 'nextAttemptAt', ARGV[9])
  redis.call('ZADD', KEYS[4], ARGV[9], KEYS[1])
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
