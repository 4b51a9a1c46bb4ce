--[[ publish-2: add a batch of entries, all or nothing, with optional trimming and
Idempotency-Key replay.

KEYS[1] stream
KEYS[2] idempotency record (any key in the stream's slot when ARGV[1] is '')
ARGV[1] hash of the request ('' without an Idempotency-Key), ARGV[2] record TTL in seconds
ARGV[3] trim strategy: '', 'MAXLEN' or 'MINID'; ARGV[4] '=' or '~'; ARGV[5] threshold
ARGV[6] the messages, MessagePack (see src/redis/pack.ts): a list with, per message, a list
        {ID ('*', '<ms>-<seq>' or '<ms>-*'), name, value, name, value, ...}. One packed
        argument instead of two per field: the client converts arguments one by one.

Returns {'OK', ids} for a new write, {'REPLAY', ids} for a retry of an earlier one
Errors: WRONGTYPE, IDTOOSMALL, IDEMCONFLICT

All or nothing: every ID is resolved and checked against the stream's last generated ID
before anything is written, so a refused batch leaves the stream exactly as it was. (Adding
and then removing entries would not: XDEL leaves the stream's last generated ID,
entries-added and max-deleted-entry-id moved, and later explicit IDs would be refused.)
An automatic ID ('*') followed in the batch by an ID that depends on it is computed here,
from the server clock, exactly as XADD computes it, and written as an explicit ID.
]]
local stream = KEYS[1]
if ARGV[1] ~= '' then
  local prior = redis.call('GET', KEYS[2])
  if prior then
    local record = cjson.decode(prior)
    if record.h ~= ARGV[1] then
      sg_fail('IDEMCONFLICT', 'Idempotency-Key was used with a different request')
    end
    return { 'REPLAY', record.ids }
  end
end

local kind = sg_stream_or_none(stream)

-- Parse the batch.
local messages = {}
for m, list in ipairs(cmsgpack.unpack(ARGV[6])) do
  messages[m] = { id = list[1], list = list }
end

-- Resolve and check the IDs in order, while the last ID is known.
local U64_MAX = '18446744073709551615'
local last = '0-0'
if kind == 'stream' then
  last = sg_field(redis.call('XINFO', 'STREAM', stream), 'last-generated-id')
end
local depends = false -- does a later message have an ID other than '*'?
for m = #messages, 1, -1 do
  messages[m].pin = depends
  if messages[m].id ~= '*' then depends = true end
end
local now_ms = nil
for _, m in ipairs(messages) do
  local given = m.id
  local last_ms, last_seq = sg_split_id(last)
  if given == '*' then
    -- Only '*' follows: Redis may pick these itself, they cannot be refused.
    if not m.pin then break end
    if now_ms == nil then
      local t = redis.call('TIME')
      now_ms = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))
    end
    -- XADD's rule: the clock's ms with sequence 0, unless the clock is not ahead of the
    -- last ID; then the ID after it.
    if sg_cmp_dec(now_ms, last_ms) > 0 then m.id = now_ms .. '-0' else m.id = sg_next_id(last) end
  else
    local ms, seq = string.match(given, '^(%d+)-(.+)$')
    if seq == '*' then
      -- XADD's rule for '<ms>-*': the next sequence within the last ID's ms, else 0.
      if sg_cmp_dec(ms, last_ms) == 0 then
        if last_seq == U64_MAX then
          sg_fail('IDTOOSMALL', 'ID ' .. given .. ' is not above the stream top ID ' .. last)
        end
        m.id = sg_next_id(last)
      else
        m.id = ms .. '-0'
      end
    end
    if sg_cmp_id(m.id, last) <= 0 then
      sg_fail('IDTOOSMALL', 'ID ' .. given .. ' is not above the stream top ID ' .. last)
    end
  end
  last = m.id
end

local ids = {}
for i, m in ipairs(messages) do
  local ok = redis.pcall('XADD', stream, m.id, unpack(m.list, 2))
  if type(ok) == 'table' and ok.err then
    -- Not expected once the IDs are checked above (the last possible ID is one way):
    -- remove what this call added, then fail.
    if #ids > 0 then redis.call('XDEL', stream, unpack(ids)) end
    if kind == 'none' then redis.call('DEL', stream) end
    sg_fail('IDTOOSMALL', 'ID ' .. m.id .. ' of message ' .. i .. ' is not above the previous one')
  end
  ids[i] = ok
end

if ARGV[3] ~= '' then
  redis.call('XTRIM', stream, ARGV[3], ARGV[4], ARGV[5])
end
if ARGV[1] ~= '' then
  redis.call('SET', KEYS[2], cjson.encode({ h = ARGV[1], ids = ids }), 'EX', ARGV[2])
end
return { 'OK', ids }
