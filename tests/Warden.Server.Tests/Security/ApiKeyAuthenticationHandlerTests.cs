using System.Net;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

public sealed class ApiKeyAuthenticationHandlerTests
{
    // The handler reuses the secret it last cut from the same Authorization header on a thread; a different header, a blank
    // one or another key must still be decided by its own value, in any order.
    [Fact]
    public async Task Alternating_keys_and_blank_headers_are_each_decided_by_their_own_value()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var stranger = factory.Authorized("wdn_not_a_stored_key_0123456789abcdefghijklmnop");
        var blank = factory.CreateClient();
        blank.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer    ");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v2")).StatusCode);

            var refused = await stranger.GetAsync("/v2");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("invalid, expired or revoked API key", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            var anonymous = await blank.GetAsync("/v2");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("authentication required", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
