-- Puts a dead award back into issuing, re-decided from the newest observation when one came in
-- after it died, with the badge class the rule names now.
-- KEYS[1] award, KEYS[2] counts, KEYS[3] issuance stream, KEYS[4] dead letters
-- ARGV[1] now (ISO), ARGV[2] badge class of the rule today ('' when the rule is gone)
local held = redis.call('HMGET', KEYS[1], 'state', 'deadEntry', 'rule', 'user', 'latest')
if held[1] ~= 'dead' then
  return held[1] or 'missing'
end
local state = 'pending'
if held[5] then
  local latest = cjson.decode(held[5])
  state = latest.state
  local flat = {}
  for name, value in pairs(latest.fields) do
    if name ~= 'decidedAt' then
      flat[#flat + 1] = name
      flat[#flat + 1] = value
    end
  end
  if #flat > 0 then
    redis.call('HSET', KEYS[1], unpack(flat))
  end
end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'badgeClass', ARGV[2])
end
redis.call('HSET', KEYS[1], 'state', state, 'failures', 0, 'replayedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'deadReason', 'deadEntry', 'deadAt', 'lastError', 'nextAttemptAt', 'failingSince', 'latest')
redis.call('HINCRBY', KEYS[2], 'dead', -1)
redis.call('HINCRBY', KEYS[2], state, 1)
if held[2] then
  redis.call('XDEL', KEYS[4], held[2])
end
if state == 'pending' then
  redis.call('XADD', KEYS[3], '*', 'rule', held[3], 'user', held[4])
end
return 'replayed'
