using Warden.Server.Tests.V2;

namespace Warden.Server.Tests.Edge;

/// <summary>
/// The agent as <c>warden-edge</c> composes it from its command line passes the server's Open Inference Protocol REST
/// checks (the Native AOT binary itself is measured in bench/edge/native-agent.sh; publishing it is too slow for the suite).
/// </summary>
public sealed class EdgeHostV2ConformanceTests(EdgeHostFixture fixture) : V2RestConformance, IClassFixture<EdgeHostFixture>
{
    protected override HttpClient Client => fixture.Client;

    protected override HttpClient Anonymous => fixture.Client;
}
