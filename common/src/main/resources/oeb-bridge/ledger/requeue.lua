-- Moves jobs whose retry time has come back into the issuance stream.
-- KEYS[1] retries, KEYS[2] issuance stream, KEYS[3] paused; ARGV[1] now (ms), ARGV[2] limit
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 0
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, award in ipairs(due) do
  local fields = redis.call('HMGET', award, 'state', 'rule', 'user', 'owner', 'leaseUntil')
  if fields[1] == 'pending' and (not fields[4] or tonumber(fields[5] or '0') <= tonumber(ARGV[1])) then
    redis.call('XADD', KEYS[2], '*', 'rule', fields[2], 'user', fields[3])
  end
  -- only once its job is in the stream: a script that fails keeps what it already wrote, and a stream
  -- that cannot be written (WRONGTYPE) must leave the award waiting here, not without any job
  redis.call('ZREM', KEYS[1], award)
end
return #due
