using System.Security.Cryptography;

namespace VaultDr.Lab;

/// <summary>
/// The merkle trees a cluster keeps for replication and which of them are corrupt. Vault's merkle check reports the
/// replicated tree (key "1") and the local tree (key "2") page by page, and the root above them; the lab's control
/// corrupts one of the three and a reindex repairs them all. A corrupt page is chosen at random when the corruption
/// is injected (256 pages of 256 subpages, as Vault's tree has).
/// </summary>
internal sealed class MerkleTrees
{
    public const string Replicated = "replicated";
    public const string Local = "local";
    public const string Root = "root";

    public static readonly IReadOnlyList<string> Names = [Replicated, Local, Root];

    private readonly SortedDictionary<string, MerkleDamage> _damage = new(StringComparer.Ordinal);

    /// <summary>True while any tree is corrupt (the status's <c>corrupted_merkle_tree</c>).</summary>
    public bool AnyCorrupt => _damage.Count > 0;

    /// <summary>
    /// A corrupt replicated tree or root makes the cluster's merkle root wrong, so a secondary's merkle diff with its
    /// primary never comes out clean; a corrupt local tree does not (local data is not replicated).
    /// </summary>
    public bool BreaksReplication => _damage.ContainsKey(Replicated) || _damage.ContainsKey(Root);

    /// <summary>The corrupt trees' names, sorted.</summary>
    public IReadOnlyList<string> CorruptTrees => [.. _damage.Keys];

    public MerkleDamage? DamageOf(string tree) => _damage.TryGetValue(tree, out var damage) ? damage : null;

    /// <summary>Corrupts <paramref name="tree"/> (one of <see cref="Names"/>); a tree already corrupt keeps its damage.</summary>
    public void Corrupt(string tree)
    {
        if (!Names.Contains(tree))
        {
            throw new ArgumentException($"Unknown merkle tree '{tree}': use {string.Join(", ", Names)}.", nameof(tree));
        }

        _damage.TryAdd(tree, new MerkleDamage(RandomNumberGenerator.GetInt32(256), RandomNumberGenerator.GetInt32(256)));
    }

    public void Repair() => _damage.Clear();

    /// <summary>
    /// The merkle root the cluster reports: its data's root, or (with a corrupt replicated tree or root) a different
    /// one, stable for the damage, so it never matches the primary's.
    /// </summary>
    public string Reported(string merkleRoot) =>
        BreaksReplication ? LabCrypto.Sha1Hex("corrupt:" + string.Join(",", _damage.Select(d => $"{d.Key}/{d.Value.Page}/{d.Value.Subpage}")) + ":" + merkleRoot) : merkleRoot;
}

/// <summary>Where a tree is corrupt: a page and one of its subpages.</summary>
internal sealed record MerkleDamage(int Page, int Subpage);
