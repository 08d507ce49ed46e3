/**
 * The Lua of `RedisRateLimiter`: two token buckets (requests, tokens) in one hash, refilled
 * continuously, with the leases in flight in a second hash (`id -> cost:expiresAt`) so that
 * what they reserved holds the refill back until they are settled, except while the
 * provider's `x-ratelimit-reset-*` said its budget could not be full (as in the in-process
 * `RateLimiter`). A lease whose process died expires after `leaseMs`. Time is Redis's (`TIME`),
 * so the processes' clocks do not matter.
 *
 * KEYS[1] the bucket hash (rl, tl, at, pause, rfree, tfree), KEYS[2] the leases hash.
 * ARGV[1] rpm (0: none), ARGV[2] tpm (0: none), ARGV[3] windowMs.
 *
 * @module
 */

/**
 * Reads the buckets at now, refilled up to the capacity less what leases in flight reserved, or up
 * to the capacity before `rfree` / `tfree`.
 */
const PRELUDE = `
local state, leases = KEYS[1], KEYS[2]
local rcap, tcap, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ri, ti = 0, 0
local all = redis.call('HGETALL', leases)
for i = 1, #all, 2 do
  local c, exp = string.match(all[i + 1], '^([^:]+):([^:]+)$')
  if tonumber(exp) <= now then
    redis.call('HDEL', leases, all[i])
  else
    ri = ri + 1
    ti = ti + tonumber(c)
  end
end
local s = redis.call('HMGET', state, 'rl', 'tl', 'at', 'pause', 'rfree', 'tfree')
local rl = tonumber(s[1]) or rcap
local tl = tonumber(s[2]) or tcap
local at = math.min(tonumber(s[3]) or now, now)
local pause = tonumber(s[4]) or 0
local rfree = tonumber(s[5]) or 0
local tfree = tonumber(s[6]) or 0
-- A request in flight may not have reached the provider yet, and while the provider's budget sits
-- full it does not refill: what leases in flight reserved is held back from the refill. Not
-- before free, though: until then the provider's reset header said its budget could not be
-- full, so it refilled all along.
local function refill(level, cap, held, free)
  if cap <= 0 then return level end
  local from = at
  if from < free then
    local to = math.min(now, free)
    if level < cap then level = math.min(cap, level + (to - from) * cap / window) end
    from = to
  end
  if level < cap - held then level = math.min(cap - held, level + (now - from) * cap / window) end
  return level
end
rl = refill(rl, rcap, ri, rfree)
tl = refill(tl, tcap, ti, tfree)
local function save()
  redis.call('HSET', state, 'rl', tostring(rl), 'tl', tostring(tl), 'at', now, 'pause', pause,
    'rfree', rfree, 'tfree', tfree)
  redis.call('PEXPIRE', state, math.max(pause - now, 0) + 2 * window)
end
`;

/**
 * Admits a process's waiting requests, in order, as far as they fit, and says how long each of
 * the rest should wait. ARGV[4] leaseMs, ARGV[5] how many requests, then each one's cost in
 * tokens and lease id. Returns `{ admitted, now, waitMs, kind, waitMs, kind, ... }`: how many of
 * the first requests were admitted and when (Redis's clock), then the wait and budget of each one
 * that was not.
 */
export const ACQUIRE = `${PRELUDE}
local leaseMs, n = tonumber(ARGV[4]), tonumber(ARGV[5])
local reply = { 0, now }
local aheadR, aheadT = 0, 0
for i = 1, n do
  local cost, id = tonumber(ARGV[4 + 2 * i]), ARGV[5 + 2 * i]
  local need = math.min(cost, tcap)
  local wait, kind = 0, 'requests'
  if now < pause then wait, kind = pause - now, 'retry_after' end
  if rcap > 0 and rl < aheadR + 1 then
    local w = math.ceil((aheadR + 1 - rl) * window / rcap)
    -- When leases in flight hold the refill below what is needed, only a settle (in any
    -- process) frees it: the first in line asks again soon rather than after a refill that
    -- cannot come.
    if aheadR == 0 and now >= rfree and rcap - ri < 1 then w = math.max(5, math.ceil(window / rcap / 4)) end
    if w > wait then wait, kind = w, 'requests' end
  end
  if tcap > 0 and tl < aheadT + need then
    local w = math.ceil((aheadT + need - tl) * window / tcap)
    if aheadT == 0 and now >= tfree and tcap - ti < need then w = math.max(5, math.ceil(need * window / tcap / 4)) end
    if w > wait then wait, kind = w, 'tokens' end
  end
  if wait == 0 and #reply == 2 then
    if rcap > 0 then rl = rl - 1 end
    if tcap > 0 then tl = tl - cost end
    redis.call('HSET', leases, id, cost .. ':' .. (now + leaseMs))
    reply[1] = reply[1] + 1
  else
    -- In order: once one waits, every one after it waits too, behind it.
    reply[#reply + 1] = math.max(wait, 1)
    reply[#reply + 1] = kind
    aheadR = aheadR + 1
    aheadT = aheadT + need
  end
end
if reply[1] > 0 then redis.call('PEXPIRE', leases, leaseMs) end
save()
return reply
`;

/**
 * Settles a lease. ARGV[4] lease id, ARGV[5] its cost, ARGV[6] 1 for a 429, ARGV[7] retry-after
 * ms, ARGV[8] tokens to give back (negative: to take), ARGV[9] / ARGV[10] the provider's
 * remaining requests / tokens, ARGV[11] / ARGV[12] its reset times in ms (-1: not said),
 * ARGV[13] when the lease was admitted (Redis's clock).
 */
export const SETTLE = `${PRELUDE}
local id, cost, refused = ARGV[4], tonumber(ARGV[5]), ARGV[6] == '1'
local retryAfter, giveBack = tonumber(ARGV[7]), tonumber(ARGV[8])
local remR, remT = tonumber(ARGV[9]), tonumber(ARGV[10])
local resetR, resetT = tonumber(ARGV[11]), tonumber(ARGV[12])
local since = tonumber(ARGV[13])
if redis.call('HDEL', leases, id) == 1 then
  ri = ri - 1
  ti = ti - cost
  -- The provider answered after the lease was admitted, and said then how long until its budget
  -- is full: it cannot be full before the admission plus that.
  if resetR >= 0 then rfree = math.max(rfree, since + resetR) end
  if resetT >= 0 then tfree = math.max(tfree, since + resetT) end
end
if refused then
  if rcap > 0 then rl = rl + 1 end
  if tcap > 0 then tl = tl + cost end
  if retryAfter > 0 then pause = math.max(pause, now + retryAfter) end
end
if tcap > 0 then tl = tl + giveBack end
if rcap > 0 then
  if now >= rfree then rl = math.min(rl, rcap - ri) end
  rl = math.min(rl, rcap)
  if remR >= 0 and rl > remR then rl = remR end
end
if tcap > 0 then
  if now >= tfree then tl = math.min(tl, tcap - ti) end
  tl = math.min(tl, tcap)
  if remT >= 0 and tl > remT then tl = remT end
end
save()
return 1
`;
