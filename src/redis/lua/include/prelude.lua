-- Shared helpers, prepended to every Streamgate script by script-loader.ts (Redis Lua has
-- no include). Errors are raised as '<PREFIX> message' replies; redis-errors.ts maps each
-- prefix to a contract code, the same way it maps Redis's own NOGROUP or WRONGTYPE.

local function sg_fail(prefix, message)
  error({ err = prefix .. ' ' .. message })
end

-- Raises NOSTREAM or WRONGTYPE unless `key` holds a stream.
local function sg_stream(key)
  local t = redis.call('TYPE', key)['ok']
  if t == 'none' then sg_fail('NOSTREAM', 'no such stream') end
  if t ~= 'stream' then sg_fail('WRONGTYPE', 'Operation against a key holding the wrong kind of value') end
end

-- Raises NOGROUP unless the group exists: XPENDING with COUNT 0 checks it in O(1).
local function sg_group(key, group)
  redis.call('XPENDING', key, group, '-', '+', 0)
end

-- The group's policy: the stored JSON, else the caller's defaults. reapIdleMs is 0 when
-- absent (policies stored before reaping existed, and groups without a stored policy).
-- A stored policy that cannot be read (not JSON, not an object, a field of the wrong type:
-- a hand edit) never fails the caller: each unreadable field is the default, and the fifth
-- value, true, tells the caller so it can warn (policy.ts readStoredPolicy reads the same way).
local function sg_policy(policy_key, group, default_lease, default_max, default_dlq)
  local lease, max, dlq = tonumber(default_lease), tonumber(default_max), default_dlq
  local raw = redis.call('HGET', policy_key, group)
  if not raw then return lease, max, dlq, 0, false end
  local ok, p = pcall(cjson.decode, raw)
  -- An array decodes to a table too: #p > 0 tells it from an object.
  if not ok or type(p) ~= 'table' or #p > 0 then return lease, max, dlq, 0, true end
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
  return lease, max, dlq, reap, corrupt
end

-- Raises BADPOLICY unless reaping fits the lease (the rule of policy.ts checkReapAgainstLease).
local function sg_check_reap(lease, reap)
  if reap == 0 then return end
  if lease == 0 then sg_fail('BADPOLICY', 'reapIdleMs needs leases: it must be 0 when leaseMs is 0') end
  if reap < lease then
    sg_fail('BADPOLICY', 'reapIdleMs (' .. reap .. ') must be 0 or at least leaseMs (' .. lease .. ')')
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

-- Value of `name` in a flat {name, value, ...} reply, or nil.
local function sg_field(flat, name)
  for i = 1, #flat, 2 do
    if flat[i] == name then return flat[i + 1] end
  end
  return nil
end

-- One bounded step of the walk over a group's pending list that looks for expired leases
-- (pull-4, leaseProbe-2): at most `step` entries, resuming after the ID stored in
-- `cursor_key` (absent: from the start) and wrapping around once at the end of the list.
-- visit(id, owner, idle, deliveries) is called per entry in ID order; false stops the walk
-- before that entry, which is then the first one the next step looks at. The cursor
-- expires after an hour unused (the walk then starts again from the beginning).
local function sg_lease_walk(stream, group, cursor_key, step, visit)
  local cursor = redis.call('GET', cursor_key)
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
