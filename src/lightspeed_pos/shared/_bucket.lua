-- One account's leaky bucket, shared by every process that uses the same Redis.
--
-- The arithmetic mirrors lightspeed_pos/_ratelimit.py line by line (book, settle, resync_window);
-- tests/shared/test_bucket_script.py runs both on the same sequences and checks they agree.
--
-- KEYS[1] the bucket (hash: level size drip updated seen burst_max seq)
-- KEYS[2] reservations in flight (sorted set: member "id|cost", score = when it lapses)
-- KEYS[3] sends in the burst window (sorted set: member seq, score = when it was sent)
-- KEYS[4] the clients drawing on the bucket (sorted set: member client id, score = last reserve)
-- ARGV[1] "reserve" | "release" | "peek"
-- ARGV[2] now (seconds) or "" for the Redis server's clock (one clock for every machine)
-- ARGV[3..7] the caller's own view (level size drip seen burst_max), used only when the bucket
--            is missing: new, expired, or lost with a Redis restart or flush
-- reserve: ARGV[8] cost, ARGV[9] latency, ARGV[10] reservation id, ARGV[11] its lifetime (s),
--          ARGV[12] the client's id -> {wait, fresh, clients seen in the last SHARER_TTL seconds}
-- release: ARGV[8] cost, ARGV[9] reservation id, ARGV[10] sent (1/0), ARGV[11] round trip or -1,
--          ARGV[12..13] level/size reported or "", ARGV[14] drip or "",
--          ARGV[15..16] burst count/max or "" -> {fresh}
-- peek:    -> {level size drip updated seen burst_max in_flight window...}
-- Numbers go back as strings: Redis would truncate a Lua number to an integer.

if redis.replicate_commands then
  redis.replicate_commands() -- Redis 5 and 6: replicate the writes, not the script (TIME)
end

local BURST_WINDOW = 1.0
local MAX_LATENCY_CREDIT = 0.5
local SAFE_SHARE = 0.8
local KEEP_MS = 3600000 -- an idle bucket is forgotten after an hour
local SHARER_TTL = 10.0

local function fmt(x)
  return string.format('%.17g', x)
end

local function clock(arg)
  if arg ~= '' then
    return tonumber(arg)
  end
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end

local function allowance(burst_max)
  if burst_max == nil then
    return nil
  end
  if burst_max >= 4 then
    return burst_max - 1
  end
  return burst_max
end

local state, inflight, window, sharers = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local op = ARGV[1]
local now = clock(ARGV[2])

local f = redis.call('HMGET', state, 'level', 'size', 'drip', 'updated', 'seen', 'burst_max')
local fresh = f[2] == false
local b = {}
if fresh then
  b.level, b.size, b.drip = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
  b.updated, b.seen = now, ARGV[6] == '1'
  b.burst_max = tonumber(ARGV[7])
  if b.burst_max == 0 then
    b.burst_max = nil
  end
else
  b.level, b.size, b.drip = tonumber(f[1]), tonumber(f[2]), tonumber(f[3])
  b.updated, b.seen = tonumber(f[4]), f[5] == '1'
  b.burst_max = tonumber(f[6])
  if b.burst_max == 0 then
    b.burst_max = nil
  end
end

-- reservations whose holder died (or never released them) lapse
redis.call('ZREMRANGEBYSCORE', inflight, '-inf', '(' .. fmt(now))
local in_flight = 0.0
for _, member in ipairs(redis.call('ZRANGE', inflight, 0, -1)) do
  in_flight = in_flight + tonumber(string.match(member, '|(.*)$'))
end

local function level_at(t)
  return math.max(0.0, b.level - b.drip * math.max(0.0, t - b.updated))
end

local function save()
  redis.call('HSET', state, 'level', fmt(b.level), 'size', fmt(b.size), 'drip', fmt(b.drip),
    'updated', fmt(b.updated), 'seen', b.seen and '1' or '0', 'burst_max', fmt(b.burst_max or 0))
  redis.call('PEXPIRE', state, KEEP_MS)
  redis.call('PEXPIRE', inflight, KEEP_MS)
  redis.call('PEXPIRE', window, KEEP_MS)
end

local function send_at(t)
  local seq = redis.call('HINCRBY', state, 'seq', 1)
  redis.call('ZADD', window, fmt(t), tostring(seq))
end

if op == 'peek' then
  local out = {fmt(b.level), fmt(b.size), fmt(b.drip), fmt(b.updated), b.seen and '1' or '0',
    fmt(b.burst_max or 0), fmt(in_flight)}
  local sends = redis.call('ZRANGE', window, 0, -1, 'WITHSCORES')
  for i = 2, #sends, 2 do
    out[#out + 1] = sends[i]
  end
  return out
end

if op == 'reserve' then
  -- who draws on this bucket: a client that loses Redis assumes each of them spends as it does
  redis.call('ZADD', sharers, fmt(now), ARGV[12])
  redis.call('ZREMRANGEBYSCORE', sharers, '-inf', fmt(now - SHARER_TTL))
  redis.call('PEXPIRE', sharers, KEEP_MS)
  local clients = tostring(redis.call('ZCARD', sharers))
  local cost, latency = tonumber(ARGV[8]), tonumber(ARGV[9])
  local trip = b.drip * math.min(latency, MAX_LATENCY_CREDIT)
  local credit = math.min(trip, math.max(0.0, SAFE_SHARE * cost - trip))
  local level = math.max(0.0, level_at(now) - credit)
  local projected = level + in_flight + cost
  local alone = in_flight == 0 and level == 0.0
  if projected > b.size and not alone then
    if fresh then
      save()
    end
    return {fmt(math.max((projected - b.size) / b.drip, 0.001)), fresh and '1' or '0', clients}
  end
  redis.call('ZREMRANGEBYSCORE', window, '-inf', fmt(now - BURST_WINDOW))
  local limit = allowance(b.burst_max)
  if limit ~= nil and redis.call('ZCARD', window) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', window, 0, 0, 'WITHSCORES')[2])
    if fresh then
      save()
    end
    return {fmt(math.max(oldest + BURST_WINDOW - now, 0.001)), fresh and '1' or '0', clients}
  end
  send_at(now)
  redis.call('ZADD', inflight, fmt(now + tonumber(ARGV[11])), ARGV[10] .. '|' .. ARGV[8])
  save()
  return {'0', fresh and '1' or '0', clients}
end

if op == 'release' then
  local cost, sent, trip = tonumber(ARGV[8]), ARGV[10] == '1', tonumber(ARGV[11])
  redis.call('ZREM', inflight, ARGV[9] .. '|' .. ARGV[8])
  local measured_at = now
  if trip >= 0 then
    measured_at = now - trip / 2
  end
  if ARGV[12] ~= '' then
    local reported = math.max(0.0, tonumber(ARGV[12]) - b.drip * (now - measured_at))
    if b.seen then
      b.level = math.max(reported, level_at(now))
    else
      b.level = reported
    end
    b.size = tonumber(ARGV[13])
    b.seen = true
  elseif sent then
    b.level = level_at(now) + cost
  else
    b.level = level_at(now)
  end
  b.updated = now
  if ARGV[14] ~= '' then
    b.drip = tonumber(ARGV[14])
  end
  if ARGV[15] ~= '' then
    b.burst_max = math.max(1, math.floor(tonumber(ARGV[16])))
    -- other clients' sends in the server's window count against this one too
    local reported = math.floor(tonumber(ARGV[15]))
    local limit = allowance(b.burst_max)
    if limit ~= nil then
      reported = math.min(reported, limit)
    end
    local known = redis.call('ZCOUNT', window, '(' .. fmt(measured_at - BURST_WINDOW), fmt(measured_at))
    for _ = 1, math.max(0, reported - known) do
      send_at(measured_at)
    end
  end
  save()
  return {fresh and '1' or '0'}
end

return redis.error_reply('unknown operation ' .. tostring(op))
