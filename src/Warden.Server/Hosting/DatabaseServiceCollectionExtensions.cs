using Warden.Storage.PostgreSql;

namespace Warden.Server.Hosting;

/// <summary>Chooses the store from configuration.</summary>
public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// With <c>Warden:Database:Provider=postgresql</c>, registers the PostgreSQL store on <c>ConnectionStrings:Warden</c>;
    /// otherwise nothing, and <see cref="WardenServiceCollectionExtensions.AddWarden"/> falls back to SQLite. Call before
    /// <c>AddWarden</c>.
    /// </summary>
    public static IServiceCollection AddWardenDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var provider = options.Provider.Trim().ToLowerInvariant();
        if (provider == DatabaseOptions.Sqlite)
        {
            return services;
        }

        if (provider != DatabaseOptions.PostgreSql)
        {
            throw new InvalidOperationException($"Warden:Database:Provider is '{options.Provider}'; allowed values: sqlite, postgresql");
        }

        var connectionString = configuration.GetConnectionString("Warden");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Warden:Database:Provider is postgresql but ConnectionStrings:Warden (an Npgsql connection string) is not set");
        }

        return services.AddWardenPostgreSql(connectionString, options.MigrateAtStart);
    }
}
