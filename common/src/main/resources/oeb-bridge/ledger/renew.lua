-- The heartbeat: extends the lease of every award this worker still owns and keeps its stream
-- entries from looking idle. Returns the entries whose award another worker owns now (an award
-- whose outcome was just recorded is neither renewed nor reported).
-- KEYS[1] issuance stream, KEYS[2..] award hashes
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] lease end (ms), then per award: entry, fence
local lost = {}
for i = 2, #KEYS do
  local entry, fence = ARGV[2 * i], ARGV[2 * i + 1]
  local held = redis.call('HMGET', KEYS[i], 'owner', 'fence', 'state')
  if held[1] == ARGV[2] and held[2] == fence and held[3] == 'pending' then
    redis.call('HSET', KEYS[i], 'leaseUntil', ARGV[3])
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, entry, 'JUSTID')
  elseif held[3] == 'pending' and held[1] and held[2] ~= fence then
    lost[#lost + 1] = entry
  end
end
return lost
