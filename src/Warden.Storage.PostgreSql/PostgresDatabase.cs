using System.Data.Common;
using Npgsql;
using Warden.Core.Storage.Sql;

namespace Warden.Storage.PostgreSql;

/// <summary>
/// The shared store of a scale-out deployment: one PostgreSQL database that every replica reads and writes. Connections
/// come from one pooled <see cref="NpgsqlDataSource"/>; the schema is created and upgraded by <see cref="PostgresMigrations"/>.
/// </summary>
public sealed class PostgresDatabase : SqlDatabase, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Connects to the database named by an Npgsql connection string.</summary>
    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);

        // A database that is down must fail a request within seconds (answered 503), not hold it for the driver defaults.
        if (builder.Timeout == 15)
        {
            builder.Timeout = 5;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public override SqlDialect Dialect => PostgresDialect.Instance;

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Opens a pooled connection.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
