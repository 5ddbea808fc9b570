using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Api_key_secrets_never_appear_in_log_output()
    {
        var sink = new CapturingLoggerProvider();
        using var factory = new WardenFactory { ExtraServices = s => s.AddSingleton<ILoggerProvider>(sink) };
        factory.Settings["Logging:LogLevel:Default"] = "Trace";
        var created = await (await factory.Admin().PostAsJsonAsync("/api/keys", new { name = "c", role = "consumer", models = new[] { "credit-risk" } }))
            .Content.ReadFromJsonAsync<CreatedKey>();
        var client = factory.Authorized(created!.Secret);
        await client.InferAsync(V2Requests.CreditRisk());
        await client.GetAsync("/api/keys");
        await factory.Authorized(created.Secret + "x").GetAsync("/v2");
        await factory.Admin().DeleteAsync($"/api/keys/{created.Info.Id}");
        await client.GetAsync("/v2");

        Assert.True(sink.Lines.Count > 10, "the capture saw too little to mean anything");
        Assert.DoesNotContain(sink.Lines, l => l.Contains(created.Secret[4..], StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Lines, l => l.Contains(WardenFactory.AdminKey[4..], StringComparison.Ordinal));
    }
}
