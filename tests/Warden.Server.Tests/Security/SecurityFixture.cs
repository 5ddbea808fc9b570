using System.Net;
using System.Net.Http.Json;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.WebConsole.Hosting;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

/// <summary>One server with a second model (<c>other-model</c>) and a key per role; consumers are scoped to credit-risk.</summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string OwnModel = "credit-risk";
    public const string OtherModel = "other-model";

    public WardenFactory Factory { get; } = new();

    public Dictionary<string, string> Keys { get; } = [];

    public IReadOnlyList<(string Method, string Pattern)> Endpoints { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var admin = Factory.Admin();
        var deploy = await admin.PostAsync($"/api/models/{OtherModel}/versions", Deploy.Form(Deploy.CreditRiskOnnx(), """{"name":"other-model"}""", stage: "production"));
        Assert.Equal(HttpStatusCode.Created, deploy.StatusCode);
        foreach (var role in new[] { "admin", "deployer", "reviewer", "auditor", "consumer" })
        {
            var response = await admin.PostAsJsonAsync("/api/keys", new { name = role, role, models = new[] { OwnModel } });
            Keys[role] = (await response.Content.ReadFromJsonAsync<CreatedKey>())!.Secret;
        }

        // gRPC methods are not HTTP endpoints a REST client calls: GrpcInferenceTests covers their keys and roles.
        var all = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is null && !e.RoutePattern.RawText!.Contains(":grpcunimplemented", StringComparison.Ordinal))
            .ToList();
        // Console pages authenticate with the session cookie, not a key header: ConsoleAuthorizationTests covers them.
        Endpoints = Patterns(all.Where(e => e.Metadata.GetMetadata<ConsolePageMetadata>() is null));
        ConsoleEndpoints = Patterns(all.Where(e => e.Metadata.GetMetadata<ConsolePageMetadata>() is not null));
    }

    /// <summary>The console's pages and feeds (method, route pattern).</summary>
    public IReadOnlyList<(string Method, string Pattern)> ConsoleEndpoints { get; private set; } = [];

    private static List<(string Method, string Pattern)> Patterns(IEnumerable<RouteEndpoint> endpoints) => endpoints
        .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, "/" + e.RoutePattern.RawText!.Trim('/'))))
        .Distinct().OrderBy(e => e.Item2, StringComparer.Ordinal).ThenBy(e => e.m, StringComparer.Ordinal).ToList();

    public ValueTask DisposeAsync()
    {
        Factory.Dispose();
        return ValueTask.CompletedTask;
    }

    public static string Fill(string pattern, string model) => pattern
        .Replace("{model}", model, StringComparison.Ordinal).Replace("{version}", "1", StringComparison.Ordinal)
        .Replace("{id}", "key_000000000000", StringComparison.Ordinal).Replace("{kind}", "output-policy", StringComparison.Ordinal)
        .Replace("{documentName}", "v1", StringComparison.Ordinal);
}
