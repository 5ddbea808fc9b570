using System.Text.Json.Nodes;
using System.Text.Json;
using Warden.Core.Audit;
using Warden.Core.Storage;

namespace Warden.Core.Settings;

/// <summary>
/// Versioned per-model settings (policies and plans that make a deployment refuse, hold, route or alter predictions).
/// Every change is a new version and an audit entry; readers on the request path get the bound latest document from an
/// in-memory snapshot, so a lookup costs a dictionary read. No document means the feature is off for that model.
/// </summary>
public sealed class ModelSettings
{
    /// <summary>JSON options for settings documents.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Stored text of a removal: the version history keeps it, readers see no document (the feature is off again).
    private const string Removed = "null";

    private readonly ISettingsStore _store;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SettingsKind> _kinds;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Dictionary<(string Model, string Kind), (SettingsVersion Version, object Document)> _latest = [];
    private bool _loaded;

    public ModelSettings(ISettingsStore store, AuditLog audit, TimeProvider time, IEnumerable<SettingsKind> kinds)
    {
        _store = store;
        _audit = audit;
        _time = time;
        _kinds = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);
    }

    /// <summary>Raised after a new version is stored through this instance, so that other replicas can be told to reload.</summary>
    public event EventHandler? Changed;

    /// <summary>Registered kinds.</summary>
    public IReadOnlyCollection<string> Kinds => _kinds.Keys;

    /// <summary>Loads the latest versions from the store (called at start).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var latest = new Dictionary<(string, string), (SettingsVersion, object)>();
        foreach (var version in await _store.ListLatestAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_kinds.TryGetValue(version.Kind, out var kind) && version.Json != Removed)
            {
                using var document = JsonDocument.Parse(version.Json);
                latest[(version.Model, version.Kind)] = (version, kind.Read(document.RootElement)!);
            }
        }

        _latest = latest;
        _loaded = true;
    }

    /// <summary>The latest document of <paramref name="kind"/> for <paramref name="model"/>, or null when none is set.</summary>
    public T? Get<T>(string model, string kind)
        where T : class =>
        _latest.TryGetValue((model, kind), out var entry) ? entry.Document as T : null;

    /// <summary>Models that have a document of <paramref name="kind"/>.</summary>
    public IReadOnlyList<string> ModelsWith(string kind) =>
        _latest.Keys.Where(k => k.Kind == kind).Select(k => k.Model).Order(StringComparer.Ordinal).ToList();

    /// <summary>The latest version record, or null.</summary>
    public SettingsVersion? GetVersion(string model, string kind) =>
        _latest.TryGetValue((model, kind), out var entry) ? entry.Version : null;

    /// <summary>All versions of one document.</summary>
    public Task<IReadOnlyList<SettingsVersion>> HistoryAsync(string model, string kind, CancellationToken cancellationToken = default)
    {
        Find(kind);
        return _store.ListVersionsAsync(model, kind, cancellationToken);
    }

    /// <summary>
    /// The text a version of <paramref name="json"/> would be stored as (bound and serialised again), to tell whether a
    /// document differs from the one in force; throws <see cref="WardenException"/> (400) as <see cref="PutAsync"/> does.
    /// </summary>
    public string Normalize(string model, string kind, JsonElement json)
    {
        var definition = Find(kind);
        return definition.Write(definition.Bind(model, json));
    }

    /// <summary>Validates and stores a new version; throws <see cref="WardenException"/> (400) for an unknown kind or invalid document.</summary>
    public async Task<SettingsVersion> PutAsync(string model, string kind, JsonElement json, string actor, CancellationToken cancellationToken = default)
    {
        var definition = Find(kind);
        var document = definition.Bind(model, json);
        var text = definition.Write(document);
        try
        {
            // The audit entry holds the document as sent; check it has a canonical form before anything is stored.
            _ = CanonicalJson.Serialize(json);
        }
        catch (FormatException ex)
        {
            throw WardenException.BadRequest($"the {kind} document is invalid: {ex.Message}");
        }

        SettingsVersion version;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_loaded)
            {
                await LoadAsync(cancellationToken).ConfigureAwait(false);
            }

            version = await _store.AppendAsync(model, kind, text, actor, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await _audit.AppendAsync(actor, "settings.update", $"{model}/{kind}", new JsonObject { ["version"] = version.Version, ["document"] = JsonNode.Parse(json.GetRawText()) }, cancellationToken).ConfigureAwait(false);
            _latest = new Dictionary<(string, string), (SettingsVersion, object)>(_latest) { [(model, kind)] = (version, document) };
        }
        finally
        {
            _gate.Release();
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return version;
    }

    /// <summary>Reloads the latest versions from the store (another replica changed them); serialised with <see cref="PutAsync"/>.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Removes the document so the model is bare again for that kind: a new version whose document is <c>null</c> in the
    /// history, and a <c>settings.delete</c> audit entry. Without it a document that broke every request (a bad rule, a
    /// canary on a broken version) could only be replaced by another one, never taken away. 404 when none is set.
    /// </summary>
    public async Task<SettingsVersion> RemoveAsync(string model, string kind, string actor, CancellationToken cancellationToken = default)
    {
        Find(kind);
        SettingsVersion removed;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_loaded)
            {
                await LoadAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!_latest.ContainsKey((model, kind)))
            {
                throw WardenException.NotFound($"model '{model}' has no '{kind}' settings (the feature is off)");
            }

            var version = await _store.AppendAsync(model, kind, Removed, actor, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await _audit.AppendAsync(actor, "settings.delete", $"{model}/{kind}", new JsonObject { ["version"] = version.Version }, cancellationToken).ConfigureAwait(false);
            var latest = new Dictionary<(string, string), (SettingsVersion, object)>(_latest);
            latest.Remove((model, kind));
            _latest = latest;
            removed = version;
        }
        finally
        {
            _gate.Release();
        }

        // A removal changes behaviour as much as a new version does: other replicas and listeners must hear of it too.
        Changed?.Invoke(this, EventArgs.Empty);
        return removed;
    }

    private SettingsKind Find(string kind) =>
        _kinds.TryGetValue(kind, out var definition)
            ? definition
            : throw WardenException.NotFound($"unknown settings kind '{kind}'; known: {string.Join(", ", _kinds.Keys.Order(StringComparer.Ordinal))}");
}
