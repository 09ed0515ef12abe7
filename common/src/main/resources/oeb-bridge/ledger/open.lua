-- Makes sure the institution's issuance stream and consumer group exist. A group that is missing
-- under a live ledger (an evicted stream, a failover) means its jobs are gone: the ledger is then
-- incomplete until a full sweep has re-queued its pending awards.
-- KEYS[1] issuance stream, KEYS[2] epoch, KEYS[3] swept epoch, KEYS[4] the epoch in which the stream was
-- last lost; ARGV[1] group, ARGV[2] now (ms)
local created = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if type(created) == 'table' and created.err then
  if string.find(created.err, 'BUSYGROUP', 1, true) then
    return 'exists'
  end
  error(created.err)
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  local epoch = ARGV[2] .. '-' .. redis.call('INCR', KEYS[2] .. ':losses')
  redis.call('SET', KEYS[2], epoch)
  redis.call('SET', KEYS[4], epoch)
  return 'recreated'
end
return 'created'
