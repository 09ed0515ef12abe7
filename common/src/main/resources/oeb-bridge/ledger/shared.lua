-- Functions every ledger script may call: LedgerScripts puts this file in front of each script.

-- Creates the consumer group (and the stream); true when created, false when it existed.
local function createGroup(stream, group)
  local created = redis.pcall('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
  if type(created) == 'table' and created.err then
    if string.find(created.err, 'BUSYGROUP', 1, true) then
      return false
    end
    error(created.err)
  end
  return true
end

-- Starts a ledger that has no epoch: the epoch and the consumer group in one step, so that a
-- missing group under an existing epoch always means a lost stream. True when it started here.
local function startLedger(epochKey, stream, group, now)
  if redis.call('EXISTS', epochKey) == 1 then
    return false
  end
  redis.call('SET', epochKey, now)
  createGroup(stream, group)
  return true
end

-- The stream vanished under a live ledger (evicted, failover): its jobs are gone. A new epoch makes
-- the maintenance thread give the pending awards of older epochs their jobs again, and a sweep that
-- was running finishes in the old epoch and does not count.
local function startEpochAfterLoss(epochKey, now)
  redis.call('SET', epochKey, now .. '-' .. redis.call('INCR', epochKey .. ':losses'))
end

