-- Reads new jobs (mode 'new') or takes over the jobs of a silent worker (mode 'takeover') and
-- makes this worker the award's only owner: a fence number that every outcome must present,
-- and a lease the worker's heartbeat renews. Jobs of settled awards are acknowledged here.
-- KEYS[1] issuance stream, KEYS[2] epoch, KEYS[3] swept epoch, KEYS[4] paused (nothing is claimed while it
-- exists), KEYS[5] retries
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] count, ARGV[4] now (ms), ARGV[5] lease (ms),
-- ARGV[6] award key prefix, ARGV[7] mode, ARGV[8] idle time (ms) after which a job is taken over,
-- ARGV[9] where the takeover scan goes on ('0-0' from the start)
-- Returns {verified, job count, next takeover cursor, then per job: entry, fence, posted (1 when
-- this claim counts as the POST attempt), field count, field, value, ...}
local group, consumer, now = ARGV[1], ARGV[2], tonumber(ARGV[4])
if redis.call('EXISTS', KEYS[4]) == 1 then
  return { 0, 0, '0-0' }
end
local hadLedger = not startLedger(KEYS[2], KEYS[1], group, ARGV[4])

local function ensureGroup(reply)
  if type(reply) == 'table' and reply.err then
    if string.find(reply.err, 'NOGROUP', 1, true) then
      createGroup(KEYS[1], group)
      if hadLedger then
        startEpochAfterLoss(KEYS[2], ARGV[4])
      end
      return false
    end
    error(reply.err)
  end
  return true
end

local entries = {}
local cursor = '0-0'
if ARGV[7] == 'new' then
  local read = redis.pcall('XREADGROUP', 'GROUP', group, consumer, 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
  if not ensureGroup(read) then
    read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
  end
  if read and read[1] then
    entries = read[1][2]
  end
else
  local claimed = redis.pcall('XAUTOCLAIM', KEYS[1], group, consumer, ARGV[8], ARGV[9], 'COUNT', ARGV[3])
  if ensureGroup(claimed) then
    cursor = claimed[1]
    entries = claimed[2]
    for _, gone in ipairs(claimed[3] or {}) do
      redis.call('XACK', KEYS[1], group, gone)
    end
  end
end

local function drop(id)
  redis.call('XACK', KEYS[1], group, id)
  redis.call('XDEL', KEYS[1], id)
end

local verified = redis.call('GET', KEYS[3]) == redis.call('GET', KEYS[2])
local jobs = {}
local count = 0
for _, entry in ipairs(entries) do
  local id, fields = entry[1], entry[2]
  local rule, user = '', ''
  for i = 1, #fields, 2 do
    if fields[i] == 'rule' then rule = fields[i + 1] elseif fields[i] == 'user' then user = fields[i + 1] end
  end
  local award = ARGV[6] .. rule .. ':' .. user
  local held = redis.call('HMGET', award, 'state', 'owner', 'leaseUntil', 'entry', 'attempts', 'unverified',
    'requeued')
  if held[1] ~= 'pending' then
    drop(id)
  elseif held[2] and tonumber(held[3] or '0') > now then
    if held[4] == id then
      -- its owner is alive and still working on it: give the entry back
      redis.call('XCLAIM', KEYS[1], group, held[2], 0, id, 'JUSTID')
    end
    -- a second job of an award a live worker holds stays pending here: the takeover scan looks at
    -- it again, and drops it once the award is settled or claims it if that worker died
  elseif redis.call('ZSCORE', KEYS[5], award) then
    -- a second job of an award waiting to retry: the retry brings it back when it is due
    drop(id)
  else
    local fence = redis.call('HINCRBY', award, 'fence', 1)
    redis.call('HSET', award, 'owner', consumer, 'leaseUntil', now + tonumber(ARGV[5]), 'entry', id)
    local posted = 0
    if verified and not held[6] and not held[7] and ARGV[7] == 'new' and tonumber(held[5] or '0') == 0 then
      redis.call('HINCRBY', award, 'attempts', 1)
      redis.call('HSET', award, 'postedAt', ARGV[4])
      posted = 1
    end
    local all = redis.call('HGETALL', award)
    jobs[#jobs + 1] = id
    jobs[#jobs + 1] = fence
    jobs[#jobs + 1] = posted
    jobs[#jobs + 1] = #all
    for _, value in ipairs(all) do
      jobs[#jobs + 1] = value
    end
    count = count + 1
  end
end
local reply = { verified and 1 or 0, count, cursor }
for _, value in ipairs(jobs) do
  reply[#reply + 1] = value
end
return reply
