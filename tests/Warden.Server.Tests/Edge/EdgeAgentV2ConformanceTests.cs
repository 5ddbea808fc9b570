using Warden.Server.Tests.V2;

namespace Warden.Server.Tests.Edge;

/// <summary>The edge agent passes the server's Open Inference Protocol REST checks for the endpoints it serves.</summary>
public sealed class EdgeAgentV2ConformanceTests(EdgeAgentFixture fixture) : V2RestConformance, IClassFixture<EdgeAgentFixture>
{
    protected override HttpClient Client => fixture.Client;

    protected override HttpClient Anonymous => fixture.Client;
}
