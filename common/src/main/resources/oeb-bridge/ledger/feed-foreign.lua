-- Records an assertion of the institution that the bridge did not issue (a micro degree OEB
-- awarded on its own, a manual award in OEB's UI), unless it is one of the bridge's own after
-- all. One OEB stored while the bridge still waits to learn of it is listed here until the issue
-- outcome records it, which takes it off this list (outcome.lua).
-- KEYS[1] assertion index, KEYS[2] foreign, KEYS[3] foreign by learner, KEYS[4] counts,
-- KEYS[5..] the awards of the same badge class of the learner the e-mail belongs to
-- ARGV[1] assertion, ARGV[2] the entry (JSON), ARGV[3] the learner's e-mail hash, ARGV[4..] the rule:user of
-- each award in KEYS[5..]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return 'own'
end
for i = 5, #KEYS do
  local held = redis.call('HMGET', KEYS[i], 'state', 'assertion')
  if held[2] == ARGV[1] then
    -- issued before the index existed: index it now, and let the caller record what the feed says
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[i - 1])
    return 'indexed:' .. ARGV[i - 1]
  end
end
local added = redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if added == 0 then
  return 'updated'
end
redis.call('HINCRBY', KEYS[4], 'foreign', 1)
local ids = redis.call('HGET', KEYS[3], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ids and (ids .. ' ' .. ARGV[1]) or ARGV[1])
return 'foreign'
