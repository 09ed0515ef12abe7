-- Records the decisions of one page of observations in one step.
-- A decision taken while the ledger is not known to be complete (lost Redis data, no full sweep
-- since) is marked 'unverified': it is looked up before its first POST, even if claimed later.
-- While the ledger is incomplete, a pending award that no worker holds and no retry waits for gets
-- its job again: the stream that held it may have been lost (a duplicate job is dropped at claim).
-- KEYS[1] counts, KEYS[2] issuance stream, KEYS[3] epoch, KEYS[4] swept epoch, KEYS[5] retries,
-- KEYS[6..] one award hash per decision
-- ARGV[1] now (ms); ARGV[2..] one JSON decision {state, rule, user, fields} per award key
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('SET', KEYS[3], ARGV[1])
end
local unverified = redis.call('GET', KEYS[4]) ~= redis.call('GET', KEYS[3])
local results = {}
for i = 6, #KEYS do
  local json = ARGV[i - 4]
  local decision = cjson.decode(json)
  local award = KEYS[i]
  local desired = decision.state
  local current = redis.call('HGET', award, 'state')
  if current and (current == desired or (current ~= 'pending-identity' and current ~= 'dry-run')) then
    if current == 'dead' then
      -- a replay re-decides from the newest observation
      redis.call('HSET', award, 'latest', json)
    elseif current == 'pending' and unverified and not redis.call('ZSCORE', KEYS[5], award) then
      local held = redis.call('HMGET', award, 'owner', 'leaseUntil')
      if not held[1] or tonumber(held[2] or '0') <= tonumber(ARGV[1]) then
        -- its job may have gone with the stream; a look-up precedes any POST of it
        redis.call('HSET', award, 'unverified', '1')
        redis.call('XADD', KEYS[2], '*', 'rule', decision.rule, 'user', decision.user)
      end
    end
    results[#results + 1] = 'exists:' .. current
  else
    if current then
      redis.call('HINCRBY', KEYS[1], current, -1)
    end
    local flat = {}
    for name, value in pairs(decision.fields) do
      flat[#flat + 1] = name
      flat[#flat + 1] = value
    end
    redis.call('HSET', award, 'state', desired, unpack(flat))
    if unverified then
      redis.call('HSET', award, 'unverified', '1')
    end
    redis.call('HINCRBY', KEYS[1], desired, 1)
    if desired == 'pending' then
      redis.call('XADD', KEYS[2], '*', 'rule', decision.rule, 'user', decision.user)
    end
    results[#results + 1] = current and ('promoted:' .. current) or 'decided'
  end
end
return results
