-- The ledger's epoch: set when the ledger (re)starts empty, so that losing Redis data is noticed.
-- With ARGV[1] = 'swept' and ARGV[2] = the epoch a full sweep started in, records that sweep as
-- finished, unless the ledger was lost again meanwhile.
-- A ledger that starts here gets its consumer group at once (see decide.lua).
-- KEYS[1] epoch, KEYS[2] swept epoch, KEYS[3] issuance stream; ARGV[3] now (ms), ARGV[4] consumer group
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], ARGV[3])
  local created = redis.pcall('XGROUP', 'CREATE', KEYS[3], ARGV[4], '0', 'MKSTREAM')
  if type(created) == 'table' and created.err and not string.find(created.err, 'BUSYGROUP', 1, true) then
    error(created.err)
  end
end
local epoch = redis.call('GET', KEYS[1])
if ARGV[1] == 'swept' then
  if epoch == ARGV[2] then
    redis.call('SET', KEYS[2], epoch)
    return 'swept'
  end
  return 'lost-meanwhile'
end
return epoch
