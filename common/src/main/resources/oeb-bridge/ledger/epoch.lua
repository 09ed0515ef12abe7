-- The ledger's epoch: set when the ledger (re)starts empty, so that losing Redis data is noticed.
-- With ARGV[1] = 'swept' and ARGV[2] = the epoch a full sweep started in, records that sweep as
-- finished, unless the ledger was lost again meanwhile.
-- KEYS[1] epoch, KEYS[2] swept epoch, KEYS[3] issuance stream; ARGV[3] now (ms), ARGV[4] consumer group
startLedger(KEYS[1], KEYS[3], ARGV[4], ARGV[3])
local epoch = redis.call('GET', KEYS[1])
if ARGV[1] == 'swept' then
  if epoch == ARGV[2] then
    redis.call('SET', KEYS[2], epoch)
    return 'swept'
  end
  return 'lost-meanwhile'
end
return epoch
