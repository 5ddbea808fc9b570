using System.Numerics;
using System.Text.RegularExpressions;

namespace Warden.Core.Privacy;

/// <summary>
/// Replaces personal data in free text with placeholders: e-mail addresses → <c>[EMAIL]</c>, IBANs with a valid
/// ISO 13616 mod-97 check → <c>[IBAN]</c>, international (<c>+CC …</c>, 8–15 digits as in ITU-T E.164) and US
/// (<c>(555) 123-4567</c>, <c>555-123-4567</c>, <c>555.123.4567</c>, optional leading <c>1</c>) phone numbers →
/// <c>[PHONE]</c>, and 13–19 digit payment card numbers (spaces or hyphens allowed) that pass the Luhn check
/// (ISO/IEC 7812-1 Annex B) → <c>[CARD]</c>. Digit runs failing Luhn, IBAN-shaped strings failing mod-97, and
/// unseparated 10-digit numbers are kept, to avoid redacting order numbers and ids.
/// </summary>
/// <remarks>
/// One source-generated regular expression with a 250 ms match timeout; on timeout the whole text is replaced by
/// <c>[REDACTED]</c> (fail closed). Thread-safe.
/// </remarks>
public static partial class PiiRedactor
{
    /// <summary>Replacement for text whose scan timed out.</summary>
    public const string Unscannable = "[REDACTED]";

    private const int TimeoutMilliseconds = 250;

    /// <summary>Returns <paramref name="text"/> with personal data replaced.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return Pattern().Replace(text, Replace);
        }
        catch (RegexMatchTimeoutException)
        {
            return Unscannable;
        }
    }

    internal static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        int sum = 0;
        bool doubleIt = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    internal static bool PassesIbanCheck(string compact)
    {
        // ISO 13616: move the first four characters to the end, letters A..Z → 10..35, the number mod 97 must be 1.
        var rearranged = compact[4..] + compact[..4];
        var number = new System.Text.StringBuilder(rearranged.Length * 2);
        foreach (var c in rearranged)
        {
            number.Append(char.IsAsciiDigit(c) ? (c - '0').ToString(System.Globalization.CultureInfo.InvariantCulture)
                : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return BigInteger.Parse(number.ToString(), System.Globalization.CultureInfo.InvariantCulture) % 97 == 1;
    }

    private static string Replace(Match m)
    {
        if (m.Groups["email"].Success)
        {
            return "[EMAIL]";
        }

        if (m.Groups["iban"].Success)
        {
            var compact = m.Value.Replace(" ", "", StringComparison.Ordinal);
            return compact.Length is >= 15 and <= 34 && PassesIbanCheck(compact) ? "[IBAN]" : m.Value;
        }

        if (m.Groups["intl"].Success)
        {
            int digits = m.Value.Count(char.IsAsciiDigit);
            return digits is >= 8 and <= 15 ? "[PHONE]" : m.Value;
        }

        if (m.Groups["card"].Success)
        {
            var digits = new string(m.Value.Where(char.IsAsciiDigit).ToArray());
            return PassesLuhn(digits) ? "[CARD]" : m.Value;
        }

        return "[PHONE]";
    }

    // Alternatives are tried in order at each position: e-mail, IBAN, +international phone, card, US phone.
    [GeneratedRegex(
        @"(?<email>(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b)" +
        @"|(?<iban>\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b)" +
        @"|(?<intl>(?<![\w+])\+[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,4}\)?){1,6}(?![0-9]))" +
        @"|(?<card>(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9]))" +
        @"|(?<us>(?<![\w+])(?:1[ .-])?(?:\([0-9]{3}\)[ ]?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}(?![0-9]))",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        TimeoutMilliseconds)]
    private static partial Regex Pattern();
}
