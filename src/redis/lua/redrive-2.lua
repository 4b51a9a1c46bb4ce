--[[ redrive-2: move dead letters of a group back to their source stream as new entries.
The original fields are republished (the five x-* fields dead-lettering appended are
removed, and the x-reason a term appended after them, nothing else) and the dead letter is
deleted, in one atomic step.

KEYS[1] source stream
KEYS[2] dead-letter stream
ARGV[1] group
ARGV[2] most dead-letter entries to read while looking (scan limit)
ARGV[3] most entries to redrive
ARGV[4..] dead-letter entry IDs to redrive; none: the oldest entries of this group

Only entries whose x-group is the group and x-original-stream the source are taken.
Returns {redriven dead-letter IDs, their new IDs in the source stream}; {{}, {}} when the
dead-letter stream does not exist
Errors: WRONGTYPE (the dead-letter key, or the source key, holds another type)
]]
local source, dlq, group = KEYS[1], KEYS[2], ARGV[1]
local limit, want = tonumber(ARGV[2]), tonumber(ARGV[3])
if sg_stream_or_none(dlq) == 'none' then return { {}, {} } end

local ADDED = { 'x-original-id', 'x-original-stream', 'x-group', 'x-deliveries', 'x-last-consumer' }

-- The original fields of a dead letter of this group, or nil when it is not one.
local function original(fields)
  local n = #fields
  -- A terminated entry may end with x-reason after the five (term-4).
  if n >= 12 and fields[n - 1] == 'x-reason' then n = n - 2 end
  if n < 10 then return nil end
  for i, name in ipairs(ADDED) do
    if fields[n - 10 + 2 * i - 1] ~= name then return nil end
  end
  if fields[n - 6] ~= source or fields[n - 4] ~= group then return nil end
  local kept = {}
  for i = 1, n - 10 do kept[i] = fields[i] end
  return kept
end

local from, to = {}, {}
local function redrive(entry)
  local kept = original(entry[2])
  if kept == nil or #kept == 0 then return end
  to[#to + 1] = redis.call('XADD', source, '*', unpack(kept))
  from[#from + 1] = entry[1]
  redis.call('XDEL', dlq, entry[1])
end

if #ARGV > 3 then
  for i = 4, #ARGV do
    local entry = redis.call('XRANGE', dlq, ARGV[i], ARGV[i])[1]
    if entry then redrive(entry) end
  end
else
  local start, scanned = '-', 0
  while #from < want and scanned < limit do
    local page = redis.call('XRANGE', dlq, start, '+', 'COUNT', math.min(100, limit - scanned))
    if #page == 0 then break end
    for _, entry in ipairs(page) do
      scanned = scanned + 1
      if #from < want then redrive(entry) end
      start = '(' .. entry[1]
    end
  end
end
return { from, to }
