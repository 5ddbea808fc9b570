using System.ComponentModel.DataAnnotations;

namespace Warden.Server.Hosting;

/// <summary>Which store the server uses (<c>Warden:Database</c>); the connection string is <c>ConnectionStrings:Warden</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Warden:Database";

    /// <summary>The embedded single-node store in the data directory.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A shared PostgreSQL database, for several replicas.</summary>
    public const string PostgreSql = "postgresql";

    /// <summary><c>sqlite</c> (default) or <c>postgresql</c>.</summary>
    [RegularExpression("^(sqlite|postgresql)$", ErrorMessage = "Warden:Database:Provider must be sqlite or postgresql")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>Apply pending schema migrations when the server starts (default false: run <c>warden db migrate</c>).</summary>
    public bool MigrateAtStart { get; set; }
}
