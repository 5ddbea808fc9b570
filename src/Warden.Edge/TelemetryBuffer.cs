using System.Globalization;
using System.Text.Json;
using Warden.Contracts.Edge;

namespace Warden.Edge;

/// <summary>
/// Telemetry buffered on disk until the server acknowledges it: one file per record, named by its sequence number,
/// which is persisted before the record is written so that no number is ever reused across restarts. When the buffer
/// exceeds its byte cap the oldest records are dropped (and counted). Uploads send the oldest records; the server stores
/// each (device, sequence) once, so resending after a lost acknowledgement creates no duplicates.
/// </summary>
public sealed class TelemetryBuffer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _dir;
    private readonly string _sequenceFile;
    private readonly long _capBytes;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _next;
    private long _bytes;

    public TelemetryBuffer(string directory, long capBytes, TimeProvider time)
    {
        _dir = directory;
        _capBytes = capBytes;
        _time = time;
        Directory.CreateDirectory(_dir);
        _sequenceFile = Path.Combine(_dir, "next-sequence");
        var files = RecordFiles();
        _bytes = files.Sum(f => new FileInfo(f).Length);
        var stored = File.Exists(_sequenceFile) ? long.Parse(File.ReadAllText(_sequenceFile), CultureInfo.InvariantCulture) : 1;
        _next = Math.Max(stored, files.Length == 0 ? 1 : SequenceOf(files[^1]) + 1);
    }

    /// <summary>Records dropped because the buffer was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Records waiting for upload.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return RecordFiles().Length;
            }
        }
    }

    /// <summary>Appends a record and returns its sequence number.</summary>
    public long Append(string kind, object data)
    {
        lock (_lock)
        {
            var sequence = _next++;
            WriteAtomically(_sequenceFile, _next.ToString(CultureInfo.InvariantCulture));
            var record = new TelemetryRecord { Sequence = sequence, Time = _time.GetUtcNow(), Kind = kind, Data = JsonSerializer.SerializeToElement(data, Json) };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(record, Json);
            var path = PathOf(sequence);
            File.WriteAllBytes(path + ".tmp", bytes);
            File.Move(path + ".tmp", path, overwrite: true);
            _bytes += bytes.Length;
            var files = RecordFiles();
            for (var i = 0; _bytes > _capBytes && i < files.Length - 1; i++)
            {
                _bytes -= new FileInfo(files[i]).Length;
                File.Delete(files[i]);
                Dropped++;
            }

            return sequence;
        }
    }

    /// <summary>The oldest <paramref name="max"/> records.</summary>
    public List<TelemetryRecord> Peek(int max)
    {
        lock (_lock)
        {
            return RecordFiles().Take(max).Select(f => JsonSerializer.Deserialize<TelemetryRecord>(File.ReadAllBytes(f), Json)!).ToList();
        }
    }

    /// <summary>Deletes records the server acknowledged.</summary>
    public void Remove(IEnumerable<long> sequences)
    {
        lock (_lock)
        {
            foreach (var sequence in sequences)
            {
                var path = PathOf(sequence);
                if (File.Exists(path))
                {
                    _bytes -= new FileInfo(path).Length;
                    File.Delete(path);
                }
            }
        }
    }

    private string[] RecordFiles() => Directory.GetFiles(_dir, "*.json").Order(StringComparer.Ordinal).ToArray();

    private string PathOf(long sequence) => Path.Combine(_dir, sequence.ToString("D19", CultureInfo.InvariantCulture) + ".json");

    private static long SequenceOf(string path) => long.Parse(Path.GetFileNameWithoutExtension(path), CultureInfo.InvariantCulture);

    private static void WriteAtomically(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
