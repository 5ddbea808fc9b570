using System.Text.Json;

namespace Warden.Core.Inference;

/// <summary>
/// The strings of input names seen lately, found by their UTF-8 bytes: a client sends the same dozen names on every request,
/// and decoding each into a new string was a sizeable part of what reading a tabular request allocates. A bounded table
/// with one entry per slot (a later name with the same slot replaces the earlier), so unusual names cost one decode as
/// before and cannot make it grow.
/// </summary>
internal static class InputNameStrings
{
    /// <summary>Longest name kept, in UTF-8 bytes.</summary>
    internal const int MaxLength = 64;

    private const int Slots = 512;
    private static readonly Entry?[] Table = new Entry?[Slots];

    /// <summary>
    /// The string of the reader's current string token, shared with earlier requests that sent the same bytes. Escaped or
    /// long names, and names not seen before, are decoded by the reader as usual (which refuses invalid UTF-8); only a
    /// name that decoded before is kept.
    /// </summary>
    public static string Get(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength)
        {
            return reader.GetString()!;
        }

        var utf8 = reader.ValueSpan;
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = (int)((uint)hash.ToHashCode() % Slots);

        // Entries are immutable and replaced whole, so a racing reader sees either the old or the new one.
        if (Volatile.Read(ref Table[slot]) is { } entry && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Value;
        }

        var value = reader.GetString()!;
        Volatile.Write(ref Table[slot], new Entry(utf8.ToArray(), value));
        return value;
    }

    private sealed record Entry(byte[] Utf8, string Value);
}
