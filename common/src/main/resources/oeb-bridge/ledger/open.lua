-- Makes sure the institution's issuance stream and consumer group exist. A group that is missing
-- under a live ledger (an evicted stream, a failover) means its jobs are gone: a new epoch makes
-- the maintenance thread give the older pending awards their jobs again.
-- KEYS[1] issuance stream, KEYS[2] epoch, KEYS[3] swept epoch; ARGV[1] group, ARGV[2] now (ms)
if not createGroup(KEYS[1], ARGV[1]) then
  return 'exists'
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  startEpochAfterLoss(KEYS[2], ARGV[2])
  return 'recreated'
end
return 'created'
