using Warden.Storage.Tests.Contracts;

namespace Warden.Storage.Tests.Sqlite;

public sealed class SqliteDriftHistoryStoreTests : DriftHistoryStoreContract<SqliteBackend>;
