using Warden.Core.Privacy;

namespace Warden.Core.Tests.Privacy;

public class PiiRedactorTests
{
    [Theory]
    [InlineData("write to jane.doe+loans@example.co.uk today", "write to [EMAIL] today")]
    [InlineData("call +44 20 7946 0958 now", "call [PHONE] now")]
    [InlineData("call +1 (555) 123-4567", "call [PHONE]")]
    [InlineData("mobile +491701234567.", "mobile [PHONE].")]
    [InlineData("office (555) 123-4567 or 555-987-6543", "office [PHONE] or [PHONE]")]
    [InlineData("fax 555.123.4567", "fax [PHONE]")]
    [InlineData("toll free 1-800-555-0199", "toll free [PHONE]")]
    [InlineData("card 4111 1111 1111 1111 exp 12/29", "card [CARD] exp 12/29")]
    [InlineData("card 5500-0000-0000-0004", "card [CARD]")]
    [InlineData("amex 378282246310005", "amex [CARD]")]
    [InlineData("pay to DE89 3704 0044 0532 0130 00 please", "pay to [IBAN] please")]
    [InlineData("iban GB82WEST12345698765432", "iban [IBAN]")]
    [InlineData("mail jane@example.com, card 4111 1111 1111 1111, +44 20 7946 0958", "mail [EMAIL], card [CARD], [PHONE]")]
    public void Personal_data_is_replaced(string input, string expected)
    {
        Assert.Equal(expected, PiiRedactor.Redact(input));
    }

    [Theory]
    // Luhn: 4111111111111112 → digit sum with doubling is 31, not a multiple of 10.
    [InlineData("card 4111 1111 1111 1112 is a typo")]
    [InlineData("order 1234567890123")]
    [InlineData("account DE00 3704 0044 0532 0130 00 (bad check digits)")]
    [InlineData("id 5551234567 and year 2024-01-15, pi 3.14159")]
    [InlineData("version 1.2.3, 42 applicants, ratio 0.221")]
    [InlineData("not an address: user@localhost")]
    public void Ordinary_text_and_invalid_numbers_are_kept(string input)
    {
        Assert.Equal(input, PiiRedactor.Redact(input));
    }

    [Fact]
    public void Luhn_check_matches_hand_computation()
    {
        // 79927398713 (the classic example): from the right, double every second digit:
        // 3 + (1·2=2) + 7 + (8·2=16→7) + 9 + (3·2=6) + 7 + (9·2=18→9) + 9 + (7·2=14→5) + 7 = 70 → valid.
        Assert.True(PiiRedactor.PassesLuhn("79927398713"));
        Assert.False(PiiRedactor.PassesLuhn("79927398710"));
    }

    [Fact]
    public void Iban_check_is_mod_97_equal_to_one()
    {
        Assert.True(PiiRedactor.PassesIbanCheck("GB82WEST12345698765432"));
        Assert.False(PiiRedactor.PassesIbanCheck("GB83WEST12345698765432"));
    }
}
