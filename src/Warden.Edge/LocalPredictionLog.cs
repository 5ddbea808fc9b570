using System.Text.Json;

namespace Warden.Edge;

/// <summary>The device's own record of predictions it answered: one JSON object per line in <c>predictions.jsonl</c>.</summary>
public sealed class LocalPredictionLog(string path)
{
    private readonly Lock _lock = new();

    /// <summary>Appends one entry.</summary>
    public void Append(JsonElement entry)
    {
        var line = entry.GetRawText() + "\n";
        lock (_lock)
        {
            File.AppendAllText(path, line);
        }
    }

    /// <summary>Number of entries written so far.</summary>
    public int Count()
    {
        lock (_lock)
        {
            return File.Exists(path) ? File.ReadLines(path).Count() : 0;
        }
    }
}
