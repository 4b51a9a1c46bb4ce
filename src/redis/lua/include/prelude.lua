-- Shared helpers, prepended to every Streamgate script by script-loader.ts (Redis Lua has
-- no include). Errors are raised as '<PREFIX> message' replies; redis-errors.ts maps each
-- prefix to a contract code, the same way it maps Redis's own NOGROUP or WRONGTYPE.

local function sg_fail(prefix, message)
  error({ err = prefix .. ' ' .. message })
end

-- 'stream' or 'none' (no such key); raises WRONGTYPE when `key` holds another type.
local function sg_stream_or_none(key)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= 'stream' then
    sg_fail('WRONGTYPE', 'Operation against a key holding the wrong kind of value')
  end
  return t
end

-- Raises NOSTREAM or WRONGTYPE unless `key` holds a stream.
local function sg_stream(key)
  if sg_stream_or_none(key) == 'none' then sg_fail('NOSTREAM', 'no such stream') end
end

-- Raises DLQTYPE unless `t`, the type of the dead-letter key `key`, is a stream or nothing.
-- Handing back (pull-5, term-4: the key in another Cluster slot), `t` is what TYPE answered
-- the caller just before the script (the script may not look at the key itself).
local function sg_dlq_type(key, t)
  if t ~= 'none' and t ~= 'stream' then
    sg_fail('DLQTYPE', 'the dead-letter stream ' .. key .. ' exists and is not a stream')
  end
end

-- Raises DLQTYPE unless the dead-letter key `key` holds a stream or nothing (pull-5, term-4, deadLetter-1).
local function sg_dlq_check(key)
  sg_dlq_type(key, redis.call('TYPE', key)['ok'])
end

-- Raises NOGROUP unless the group exists: XPENDING with COUNT 0 checks it in O(1).
local function sg_group(key, group)
  redis.call('XPENDING', key, group, '-', '+', 0)
end

-- The group's policy: the stored JSON, else the caller's defaults. reapIdleMs is 0 when
-- absent (policies stored before reaping existed, and groups without a stored policy), and so
-- are minBackoffMs and maxBackoffMs (the sixth and seventh values: policies stored before
-- retry backoff existed).
-- A stored policy that cannot be read (not JSON, not an object, a field of the wrong type:
-- a hand edit) never fails the caller: each unreadable field is the default, and the fifth
-- value, true, tells the caller so it can warn (policy.ts readStoredPolicy reads the same way).
local function sg_policy(policy_key, group, default_lease, default_max, default_dlq)
  local lease, max, dlq = tonumber(default_lease), tonumber(default_max), default_dlq
  local raw = redis.call('HGET', policy_key, group)
  if not raw then return lease, max, dlq, 0, false, 0, 0 end
  local ok, p = pcall(cjson.decode, raw)
  -- An array decodes to a table too: #p > 0 tells it from an object.
  if not ok or type(p) ~= 'table' or #p > 0 then return lease, max, dlq, 0, true, 0, 0 end
  local corrupt = false
  local function count(v, default)
    if v == nil then return default end
    if type(v) == 'number' and v >= 0 and v == math.floor(v) and v < 9007199254740992 then return v end
    corrupt = true
    return default
  end
  lease = count(p.leaseMs, lease)
  max = count(p.maxDeliveries, max)
  local reap = count(p.reapIdleMs, 0)
  if p.deadLetterStream ~= nil then
    if type(p.deadLetterStream) == 'string' and p.deadLetterStream ~= '' then
      dlq = p.deadLetterStream
    else
      corrupt = true
    end
  end
  local min_backoff, max_backoff = count(p.minBackoffMs, 0), count(p.maxBackoffMs, 0)
  return lease, max, dlq, reap, corrupt, min_backoff, max_backoff
end

-- Raises BADPOLICY unless reaping fits the lease (the rule of policy.ts checkReapAgainstLease).
local function sg_check_reap(lease, reap)
  if reap == 0 then return end
  if lease == 0 then sg_fail('BADPOLICY', 'reapIdleMs needs leases: it must be 0 when leaseMs is 0') end
  if reap < lease then
    sg_fail('BADPOLICY', 'reapIdleMs (' .. reap .. ') must be 0 or at least leaseMs (' .. lease .. ')')
  end
end

-- Raises BADPOLICY unless minBackoffMs <= maxBackoffMs (the rule of policy.ts checkBackoff).
local function sg_check_backoff(min_backoff, max_backoff)
  if min_backoff > max_backoff then
    sg_fail('BADPOLICY', 'minBackoffMs (' .. min_backoff .. ') must not exceed maxBackoffMs (' .. max_backoff .. ')')
  end
end

-- Retry backoff: how long after its lease expired (or a nack without delay) an entry
-- delivered `deliveries` times waits before it is delivered again:
-- min(maxBackoffMs, minBackoffMs * 2^(deliveries - 1)); 0 when backoff is off.
local function sg_backoff(min_backoff, max_backoff, deliveries)
  if min_backoff <= 0 or max_backoff <= 0 then return 0 end
  local d = math.max(1, deliveries)
  -- 2^47 ms is past any maxBackoffMs: no need to compute larger powers.
  if d > 48 then return max_backoff end
  return math.min(max_backoff, min_backoff * 2 ^ (d - 1))
end

-- Nack delays longer than the idle time can express (keys.nackDelays): one sorted set per
-- stream, every score 0, members '<group>\0<id>\0<notBeforeMs>', so one entry's record and
-- one group's records are each a lexical range. Only the gateway's lease check reads them.
local function sg_delay_range(group, id)
  local p = group .. '\0' .. id .. '\0'
  return '[' .. p, '(' .. group .. '\0' .. id .. '\1', #p
end

-- Forgets every nack delay of the group (destroyGroup-3): one lexical range.
local function sg_delay_forget_group(key, group)
  redis.call('ZREMRANGEBYLEX', key, '[' .. group .. '\0', '(' .. group .. '\1')
end

-- Redis's clock in ms (the clock of its idle times).
local function sg_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The not-before time of the entry's nack delay, or nil.
local function sg_delay_get(key, group, id)
  local lo, hi, skip = sg_delay_range(group, id)
  local m = redis.call('ZRANGEBYLEX', key, lo, hi, 'LIMIT', 0, 1)[1]
  if not m then return nil end
  return tonumber(string.sub(m, skip + 1))
end

-- Forgets the entry's nack delay (ack, term, dead-letter, extend, a new nack...).
local function sg_delay_forget(key, group, id)
  local lo, hi = sg_delay_range(group, id)
  redis.call('ZREMRANGEBYLEX', key, lo, hi)
end

-- A function forgetting an entry's nack delay (an ack, a term, an extend...) that asks
-- whether the key holds any record once, at its first call (none kept: the common case,
-- then that EXISTS is all it costs).
local function sg_delay_forgetter(key, group)
  local delays
  return function(id)
    if delays == nil then delays = redis.call('EXISTS', key) == 1 end
    if delays then sg_delay_forget(key, group, id) end
  end
end

-- Records that the entry is not to be delivered again before now + delay. The key lives as
-- long as its latest record matters (a record past its time holds nothing back).
local function sg_delay_set(key, group, id, delay)
  sg_delay_forget(key, group, id)
  redis.call('ZADD', key, 0, group .. '\0' .. id .. '\0' .. string.format('%d', sg_now_ms() + delay))
  if redis.call('PTTL', key) < delay + 1000 then redis.call('PEXPIRE', key, delay + 1000) end
end

-- The test of the lease walk (pull-5, leaseProbe-4): whether a pending entry idle `idle` ms
-- after its `deliveries`-th delivery may be delivered again now: its lease has expired, its
-- backoff has passed, and no nack delay of it is still running. With `forget`, a nack delay
-- found past its time is removed. Off (backoff 0, no delays: the common case), this is the
-- plain lease test: no Redis call at all, and the delay key is only looked at (once) when an
-- entry passed the idle test.
local function sg_redelivery(delays_key, group, lease, min_backoff, max_backoff, forget)
  local backoff_on = min_backoff > 0 and max_backoff > 0
  local delays, now
  return function(id, idle, deliveries)
    if idle < lease then return false end
    if backoff_on and idle < lease + sg_backoff(min_backoff, max_backoff, deliveries) then return false end
    if delays == nil then delays = redis.call('EXISTS', delays_key) == 1 end
    if not delays then return true end
    local not_before = sg_delay_get(delays_key, group, id)
    if not_before == nil then return true end
    now = now or sg_now_ms()
    if now < not_before then return false end
    if forget then sg_delay_forget(delays_key, group, id) end
    return true
  end
end

-- Unsigned 64-bit stream-ID arithmetic on decimal strings (Lua numbers are doubles).
local function sg_cmp_dec(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  if a == b then return 0 end
  return a < b and -1 or 1
end

local function sg_split_id(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return ms, seq
end

local function sg_cmp_id(a, b)
  local ams, aseq = sg_split_id(a)
  local bms, bseq = sg_split_id(b)
  local c = sg_cmp_dec(ams, bms)
  if c ~= 0 then return c end
  return sg_cmp_dec(aseq, bseq)
end

local function sg_inc_dec(s)
  local out, carry = {}, 1
  for i = #s, 1, -1 do
    local d = string.byte(s, i) - 48 + carry
    if d == 10 then d, carry = 0, 1 else carry = 0 end
    out[i] = string.char(d + 48)
  end
  local r = table.concat(out)
  if carry == 1 then r = '1' .. r end
  return r
end

local function sg_dec_dec(s)
  local out, borrow = {}, 1
  for i = #s, 1, -1 do
    local d = string.byte(s, i) - 48 - borrow
    if d < 0 then d, borrow = 9, 1 else borrow = 0 end
    out[i] = string.char(d + 48)
  end
  local r = string.gsub(table.concat(out), '^0+', '')
  if r == '' then r = '0' end
  return r
end

-- The largest ID below `id` (which is above 0-0).
local function sg_prev_id(id)
  local ms, seq = sg_split_id(id)
  if seq == '0' then return sg_dec_dec(ms) .. '-18446744073709551615' end
  return ms .. '-' .. sg_dec_dec(seq)
end

-- The smallest ID above `id`.
local function sg_next_id(id)
  local ms, seq = sg_split_id(id)
  if seq == '18446744073709551615' then return sg_inc_dec(ms) .. '-0' end
  return ms .. '-' .. sg_inc_dec(seq)
end

-- Bytes of an entry as a reply's budget counts them: its ID, field names and values.
local function sg_entry_bytes(id, fields)
  local b = #id
  for i = 1, #fields do b = b + #fields[i] end
  return b
end

-- Appends a read entry {id, fields} to a flat reply as id, fields (false for an entry
-- deleted while pending), delivery count (Redis's counter; 0 when no longer pending), and
-- returns its bytes as a reply's budget counts them (ID, names, values): claim, autoclaim
-- and history answer entries this way.
local function sg_push_counted(out, stream, group, e)
  local p = redis.call('XPENDING', stream, group, e[1], e[1], 1)[1]
  local size = sg_entry_bytes(e[1], e[2] or {})
  out[#out + 1] = e[1]
  out[#out + 1] = e[2] or false
  out[#out + 1] = p and p[4] or 0
  return size
end

-- A dead letter's fields: the entry's own `fields` (extended in place and returned), then
-- x-original-id, x-original-stream, x-group, x-deliveries (Redis's delivery counter) and
-- x-last-consumer (its owner), as every dead-lettering writes them (pull-5, term-4);
-- redrive removes exactly these (sg_dead_letter_original).
local function sg_dead_letter_fields(fields, id, stream, group, deliveries, owner)
  local k = #fields
  fields[k + 1] = 'x-original-id'; fields[k + 2] = id
  fields[k + 3] = 'x-original-stream'; fields[k + 4] = stream
  fields[k + 5] = 'x-group'; fields[k + 6] = group
  fields[k + 7] = 'x-deliveries'; fields[k + 8] = tostring(deliveries)
  fields[k + 9] = 'x-last-consumer'; fields[k + 10] = owner
  return fields
end

-- Value of `name` in a flat {name, value, ...} reply, or nil.
local function sg_field(flat, name)
  for i = 1, #flat, 2 do
    if flat[i] == name then return flat[i + 1] end
  end
  return nil
end

-- One bounded step of the walk over a group's pending list that looks for expired leases
-- (pull-5, leaseProbe-4): at most `step` entries, resuming after the ID stored in
-- `cursor_key` (absent: from the start) and wrapping around once at the end of the list.
-- visit(id, owner, idle, deliveries) is called per entry in ID order; false stops the walk
-- before that entry, which is then the first one the next step looks at. The cursor
-- expires after an hour unused (the walk then starts again from the beginning).
local function sg_lease_walk(stream, group, cursor_key, step, visit)
  -- GET answers false for a missing key: nil, so that a walk from the start never wraps.
  local cursor = redis.call('GET', cursor_key) or nil
  local last = cursor
  local left = step
  local start, stop = cursor and ('(' .. cursor) or '-', '+'
  local wrapped = cursor == nil
  while left > 0 do
    local page = redis.call('XPENDING', stream, group, start, stop, left)
    for _, p in ipairs(page) do
      if not visit(p[1], p[2], p[3], p[4]) then
        left = 0
        break
      end
      last = p[1]
      left = left - 1
    end
    -- A page that ended short reached the end of the list (or, wrapped, the starting
    -- point: then the whole list was looked at).
    if left > 0 then
      last = nil
      if wrapped then break end
      wrapped = true
      start, stop = '-', cursor
    end
  end
  if last ~= cursor then
    if last then
      redis.call('SET', cursor_key, last, 'PX', 3600000)
    else
      redis.call('DEL', cursor_key)
    end
  end
end

-- Dead letters across slots (Redis Cluster, a dead-letter stream in another slot than its
-- stream): pull-5 and term-4 hand the dead letters back instead of writing them, the caller
-- writes them (deadLetter-1) and then acks the entries (ack-2). A crash between the two
-- leaves a duplicate dead letter at most; redrive (redrive-3, redriveAdd-2) skips it, with
-- the record below.

-- Reserves a pending entry for its move by the caller: idle time reset, same owner and
-- delivery count (XCLAIM JUSTID does not count a delivery), so no lease walk takes it (to
-- deliver or to move again) before the caller acks it; after a crash it is due a lease later.
local function sg_reserve_move(stream, group, owner, id)
  redis.call('XCLAIM', stream, group, owner, 0, id, 'JUSTID')
end

-- A dead letter's original fields (the x-* fields of sg_dead_letter_fields removed, and the
-- x-reason a term appended after them) and its x-original-id; nil when it is not a dead
-- letter of `group` from `source`.
local SG_DEAD_LETTER_ADDED = { 'x-original-id', 'x-original-stream', 'x-group', 'x-deliveries', 'x-last-consumer' }
local function sg_dead_letter_original(fields, source, group)
  local n = #fields
  if n >= 12 and fields[n - 1] == 'x-reason' then n = n - 2 end
  if n < 10 then return nil end
  for i, name in ipairs(SG_DEAD_LETTER_ADDED) do
    if fields[n - 10 + 2 * i - 1] ~= name then return nil end
  end
  if fields[n - 6] ~= source or fields[n - 4] ~= group then return nil end
  local kept = {}
  for i = 1, n - 10 do kept[i] = fields[i] end
  return kept, fields[n - 8]
end

-- The record of what redrive republished (keys.redriven): a sorted set of members
-- '<group>\0<x-original-id>' scored by the time (ms), kept `keep_ms`. A dead letter whose
-- original was redriven already is a duplicate (two steps cut short): deleted, not republished.
-- Returns has(group, original_id) and add(group, original_id); records older than keep_ms are
-- dropped at the first call.
local function sg_redriven(key, keep_ms)
  local now
  local function start()
    if now then return end
    now = sg_now_ms()
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', now - keep_ms))
  end
  local has = function(group, original)
    start()
    return redis.call('ZSCORE', key, group .. '\0' .. original) ~= false
  end
  local add = function(group, original)
    start()
    redis.call('ZADD', key, now, group .. '\0' .. original)
    redis.call('PEXPIRE', key, keep_ms)
  end
  return has, add
end
