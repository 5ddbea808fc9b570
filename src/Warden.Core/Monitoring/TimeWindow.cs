using System.Globalization;

namespace Warden.Core.Monitoring;

/// <summary>Parses the short durations used by monitoring settings and queries: <c>30m</c>, <c>24h</c>, <c>7d</c>, <c>90s</c>.</summary>
public static class TimeWindow
{
    /// <summary>Parses a duration; throws <see cref="WardenException"/> (400) when malformed or not positive.</summary>
    public static TimeSpan Parse(string text, string what = "duration")
    {
        if (TryParse(text, out var span))
        {
            return span;
        }

        throw WardenException.BadRequest($"{what} '{text}' is invalid: use a positive number with s, m, h or d (e.g. 24h, 7d)");
    }

    /// <summary>Parses a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan span)
    {
        span = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        text = text.Trim();
        if (!double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !(amount > 0) || double.IsInfinity(amount))
        {
            return false;
        }

        double? ms = char.ToLowerInvariant(text[^1]) switch
        {
            's' => amount * 1000,
            'm' => amount * 60_000,
            'h' => amount * 3_600_000,
            'd' => amount * 86_400_000,
            _ => null,
        };
        if (ms is not { } value || value > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }

        span = TimeSpan.FromMilliseconds(value);
        return true;
    }

    /// <summary>
    /// Resolves a window start: a duration back from <paramref name="now"/> or an ISO 8601 time; null when
    /// <paramref name="since"/> is empty (all history).
    /// </summary>
    public static DateTimeOffset? Since(string? since, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(since))
        {
            return null;
        }

        if (TryParse(since, out var span))
        {
            return now - span;
        }

        return DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw WardenException.BadRequest($"since '{since}' is invalid: use a duration (24h, 7d) or an ISO 8601 time");
    }
}
