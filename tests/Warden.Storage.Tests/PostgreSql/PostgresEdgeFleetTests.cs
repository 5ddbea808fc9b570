using Warden.Storage.Tests.Contracts;

namespace Warden.Storage.Tests.PostgreSql;

public sealed class PostgresEdgeFleetTests : EdgeFleetContract<PostgresBackend>;
