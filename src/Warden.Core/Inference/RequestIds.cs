using System.Security.Cryptography;

namespace Warden.Core.Inference;

/// <summary>
/// Ids of requests that arrive without one: RFC 9562 version 7 GUIDs (48-bit Unix milliseconds, then 74 random bits), as
/// <see cref="Guid.CreateVersion7(DateTimeOffset)"/> makes them. The random bits come from the operating system's secure
/// generator like <see cref="Guid.NewGuid"/>'s, but drawn a few kilobytes at a time per thread: on Linux each
/// <see cref="Guid.NewGuid"/> is a system call (a <c>read</c> of the kernel's generator), measured at about 2 % of a small
/// model's request.
/// </summary>
public static class RequestIds
{
    private const int BufferBytes = 4096;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    /// <summary>A new version 7 GUID for <paramref name="timestamp"/>, in the "D" format (<c>0190…-…</c>).</summary>
    public static string NewId(DateTimeOffset timestamp) => NewGuid(timestamp).ToString();

    /// <summary>A new version 7 GUID for <paramref name="timestamp"/>.</summary>
    public static Guid NewGuid(DateTimeOffset timestamp)
    {
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));
        var random = TakeRandom();
        return new Guid(
            (int)(milliseconds >> 16),
            (short)milliseconds,
            (short)((BitConverter.ToUInt16(random) & 0x0FFF) | 0x7000),
            (byte)((random[2] & 0x3F) | 0x80),
            random[3], random[4], random[5], random[6], random[7], random[8], random[9]);
    }

    private static ReadOnlySpan<byte> TakeRandom()
    {
        const int Needed = 10;
        var buffer = t_random;
        if (buffer is null || t_used + Needed > BufferBytes)
        {
            buffer = t_random ??= new byte[BufferBytes];
            RandomNumberGenerator.Fill(buffer);
            t_used = 0;
        }

        var span = buffer.AsSpan(t_used, Needed);
        t_used += Needed;
        return span;
    }
}
