--[[ publish-2: add a batch of entries, all or nothing, with optional trimming and
Idempotency-Key replay.

KEYS[1] stream
KEYS[2] idempotency record (any key in the stream's slot when ARGV[1] is '')
ARGV[1] hash of the request ('' without an Idempotency-Key), ARGV[2] record TTL in seconds
ARGV[3] trim strategy: '', 'MAXLEN' or 'MINID'; ARGV[4] '=' or '~'; ARGV[5] threshold
ARGV[6] number of messages, then per message: ID ('*', '<ms>-<seq>' or '<ms>-*'),
        field count N, then N name/value pairs (2N arguments)

Returns {'OK', ids} for a new write, {'REPLAY', ids} for a retry of an earlier one
Errors: WRONGTYPE, IDTOOSMALL, IDEMCONFLICT

All or nothing: explicit IDs are checked against the stream's last generated ID before
anything is written. Only an explicit ID that follows an automatic one in the same batch
cannot be checked in advance; if Redis then refuses it, the entries this call added are
removed again (and a stream this call created is deleted) before the error is returned.
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

local kind = redis.call('TYPE', stream)['ok']
if kind ~= 'none' and kind ~= 'stream' then sg_stream(stream) end

-- Parse the batch.
local messages, pos = {}, 7
for m = 1, tonumber(ARGV[6]) do
  local id, n = ARGV[pos], tonumber(ARGV[pos + 1])
  messages[m] = { id = id, first = pos + 2, last = pos + 1 + 2 * n }
  pos = pos + 2 + 2 * n
end

-- Check explicit IDs while the last ID is known (until the first automatic one).
local last = '0-0'
if kind == 'stream' then
  last = sg_field(redis.call('XINFO', 'STREAM', stream), 'last-generated-id')
end
for _, m in ipairs(messages) do
  if m.id == '*' then break end
  local ms, seq = string.match(m.id, '^(%d+)-(.+)$')
  local last_ms, last_seq = sg_split_id(last)
  if seq == '*' then
    local c = sg_cmp_dec(ms, last_ms)
    if c < 0 or (c == 0 and last_seq == '18446744073709551615') then
      sg_fail('IDTOOSMALL', 'ID ' .. m.id .. ' is not above the stream top ID ' .. last)
    end
    break
  end
  if sg_cmp_id(m.id, last) <= 0 then
    sg_fail('IDTOOSMALL', 'ID ' .. m.id .. ' is not above the stream top ID ' .. last)
  end
  last = m.id
end

local ids = {}
for i, m in ipairs(messages) do
  local ok = redis.pcall('XADD', stream, m.id, unpack(ARGV, m.first, m.last))
  if type(ok) == 'table' and ok.err then
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
