-- Records the decisions of one page of observations in one step.
-- A decision taken while the ledger is not known to be complete (lost Redis data, no full sweep
-- since), or for a learner whose data was erased, is marked 'unverified': it is looked up before
-- its first POST, even if claimed later.
-- A revoked or expired award of a rule that may be re-earned is decided again by an achievement
-- after it closed; its old assertion is kept in 'previousAssertions'.
-- KEYS[1] counts, KEYS[2] issuance stream, KEYS[3] epoch, KEYS[4] swept epoch, KEYS[5] tombstones of
-- erased learners, KEYS[6..] one award hash per decision
-- ARGV[1] now (ms), ARGV[2] consumer group; ARGV[3..] one JSON decision {state, rule, user, fields,
-- tombstone, reEarn, achievedMs} per award key
startLedger(KEYS[3], KEYS[2], ARGV[2], ARGV[1])
local epoch = redis.call('GET', KEYS[3])
local unverified = redis.call('GET', KEYS[4]) ~= epoch
local results = {}
local function reopens(award, current, decision)
  if not decision.reEarn or (current ~= 'revoked' and current ~= 'expired') then
    return false
  end
  local closed = redis.call('HGET', award, 'closedAt')
  return closed ~= false and tonumber(decision.achievedMs) > tonumber(closed)
end
for i = 6, #KEYS do
  local json = ARGV[i - 3]
  local decision = cjson.decode(json)
  local award = KEYS[i]
  local desired = decision.state
  local current = redis.call('HGET', award, 'state')
  local reopen = current and reopens(award, current, decision)
  if current and not reopen and (current == desired or (current ~= 'pending-identity' and current ~= 'dry-run')) then
    if current == 'dead' then
      -- a replay re-decides from the newest observation
      redis.call('HSET', award, 'latest', json)
    end
    results[#results + 1] = 'exists:' .. current
  else
    if current then
      redis.call('HINCRBY', KEYS[1], current, -1)
    end
    if reopen then
      local held = redis.call('HGET', award, 'assertion')
      local previous = redis.call('HGET', award, 'previousAssertions')
      if held then
        redis.call('HSET', award, 'previousAssertions', previous and (previous .. ' ' .. held) or held)
      end
      redis.call('HDEL', award, 'assertion', 'issuedAt', 'issuedBy', 'revokedAt', 'revocationReason', 'revokedBy',
        'expires', 'expiredAt', 'closedAt', 'lostSince', 'revokeAt', 'revokeError', 'unverified', 'postedAt',
        'unsentPostAt', 'ambiguousPostAt', 'attempts', 'failures', 'failingSince', 'lastError')
    end
    local flat = {}
    for name, value in pairs(decision.fields) do
      flat[#flat + 1] = name
      flat[#flat + 1] = value
    end
    -- the epoch it was decided in: after a loss of the stream, older pending awards get their jobs again
    redis.call('HSET', award, 'state', desired, 'decidedIn', epoch, unpack(flat))
    if unverified or redis.call('SISMEMBER', KEYS[5], decision.tombstone) == 1 then
      redis.call('HSET', award, 'unverified', '1')
    end
    redis.call('HINCRBY', KEYS[1], desired, 1)
    if desired == 'pending' then
      redis.call('XADD', KEYS[2], '*', 'rule', decision.rule, 'user', decision.user)
    end
    results[#results + 1] = reopen and ('reopened:' .. current) or (current and ('promoted:' .. current) or 'decided')
  end
end
return results
