-- Once per epoch (a new ledger, or one whose stream was lost), gives every pending award decided in
-- an earlier epoch a job again: its job may have gone with the stream, and nothing else would bring
-- it back. An award a live worker holds gets one too; that job waits until the worker finished or
-- died. A re-queued award is looked up before it is sent.
-- KEYS[1] issuance stream, KEYS[2] retries, KEYS[3] epoch, KEYS[4..] award hashes
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  return 0
end
local queued = 0
for i = 4, #KEYS do
  local held = redis.call('HMGET', KEYS[i], 'state', 'rule', 'user', 'requeuedIn', 'decidedIn')
  if held[1] == 'pending' and held[4] ~= epoch and held[5] ~= epoch
      and not redis.call('ZSCORE', KEYS[2], KEYS[i]) then
    redis.call('HSET', KEYS[i], 'requeuedIn', epoch, 'requeued', '1')
    redis.call('XADD', KEYS[1], '*', 'rule', held[2], 'user', held[3])
    queued = queued + 1
  end
end
return queued
