using Warden.Storage.Tests.Contracts;

namespace Warden.Storage.Tests.PostgreSql;

public sealed class PostgresDriftHistoryStoreTests : DriftHistoryStoreContract<PostgresBackend>;
