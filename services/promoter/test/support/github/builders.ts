import type { RawCommit } from './git-store.ts';

/** Builds GitHub REST objects with every field the published schemas require. */
export interface RepoCoordinates {
  readonly owner: string;
  readonly repo: string;
  readonly base: string;
  readonly web: string;
  readonly defaultBranch: string;
}

const EPOCH = '2026-01-01T00:00:00Z';

export function user(c: RepoCoordinates, login: string, id = 1) {
  const api = `${c.base}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: Buffer.from(`User:${id}`).toString('base64'),
    avatar_url: `${c.web}/${encodeURIComponent(login)}.png`,
    gravatar_id: '',
    url: api,
    html_url: `${c.web}/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: id === 1 ? 'Organization' : 'User',
    site_admin: false,
  };
}

function repoUrls(c: RepoCoordinates) {
  const api = `${c.base}/repos/${c.owner}/${c.repo}`;
  const names = [
    'archive_url:/{archive_format}{/ref}',
    'assignees_url:/assignees{/user}',
    'blobs_url:/git/blobs{/sha}',
    'branches_url:/branches{/branch}',
    'collaborators_url:/collaborators{/collaborator}',
    'comments_url:/comments{/number}',
    'commits_url:/commits{/sha}',
    'compare_url:/compare/{base}...{head}',
    'contents_url:/contents/{+path}',
    'contributors_url:/contributors',
    'deployments_url:/deployments',
    'downloads_url:/downloads',
    'events_url:/events',
    'forks_url:/forks',
    'git_commits_url:/git/commits{/sha}',
    'git_refs_url:/git/refs{/sha}',
    'git_tags_url:/git/tags{/sha}',
    'hooks_url:/hooks',
    'issue_comment_url:/issues/comments{/number}',
    'issue_events_url:/issues/events{/number}',
    'issues_url:/issues{/number}',
    'keys_url:/keys{/key_id}',
    'labels_url:/labels{/name}',
    'languages_url:/languages',
    'merges_url:/merges',
    'milestones_url:/milestones{/number}',
    'notifications_url:/notifications{?since,all,participating}',
    'pulls_url:/pulls{/number}',
    'releases_url:/releases{/id}',
    'stargazers_url:/stargazers',
    'statuses_url:/statuses/{sha}',
    'subscribers_url:/subscribers',
    'subscription_url:/subscription',
    'tags_url:/tags',
    'teams_url:/teams',
    'trees_url:/git/trees{/sha}',
  ];
  return Object.fromEntries([
    ['url', api],
    ...names.map((n) => [n.split(':')[0], `${api}${n.slice(n.indexOf(':') + 1)}`]),
  ]);
}

export function repository(c: RepoCoordinates, pushedAt = EPOCH) {
  return {
    id: 1000,
    node_id: 'R_1000',
    name: c.repo,
    full_name: `${c.owner}/${c.repo}`,
    owner: user(c, c.owner),
    private: false,
    html_url: `${c.web}/${c.owner}/${c.repo}`,
    description: 'GitOps repository',
    fork: false,
    ...repoUrls(c),
    clone_url: `${c.web}/${c.owner}/${c.repo}.git`,
    git_url: `git://example.invalid/${c.owner}/${c.repo}.git`,
    ssh_url: `git@example.invalid:${c.owner}/${c.repo}.git`,
    svn_url: `${c.web}/${c.owner}/${c.repo}`,
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1,
    default_branch: c.defaultBranch,
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_downloads: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: pushedAt,
    created_at: EPOCH,
    updated_at: pushedAt,
    network_count: 0,
    subscribers_count: 0,
  };
}

function person(s: RawCommit['author']) {
  return { name: s.name, email: s.email, date: s.date };
}

const UNSIGNED = { verified: false, reason: 'unsigned', payload: null, signature: null, verified_at: null };

export function gitCommit(c: RepoCoordinates, raw: RawCommit) {
  const api = `${c.base}/repos/${c.owner}/${c.repo}`;
  return {
    sha: raw.sha,
    node_id: `C_${raw.sha}`,
    url: `${api}/git/commits/${raw.sha}`,
    html_url: `${c.web}/${c.owner}/${c.repo}/commit/${raw.sha}`,
    author: person(raw.author),
    committer: person(raw.committer),
    tree: { sha: raw.tree, url: `${api}/git/trees/${raw.tree}` },
    message: raw.message,
    parents: raw.parents.map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${c.web}/${c.owner}/${c.repo}/commit/${p}`,
    })),
    verification: UNSIGNED,
  };
}

/** An entry of GET /repos/{owner}/{repo}/commits. */
export function commitSummary(c: RepoCoordinates, raw: RawCommit) {
  const api = `${c.base}/repos/${c.owner}/${c.repo}`;
  return {
    url: `${api}/commits/${raw.sha}`,
    sha: raw.sha,
    node_id: `C_${raw.sha}`,
    html_url: `${c.web}/${c.owner}/${c.repo}/commit/${raw.sha}`,
    comments_url: `${api}/commits/${raw.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${raw.sha}`,
      author: person(raw.author),
      committer: person(raw.committer),
      message: raw.message.replace(/\n$/, ''),
      comment_count: 0,
      tree: { sha: raw.tree, url: `${api}/git/trees/${raw.tree}` },
      verification: UNSIGNED,
    },
    author: null,
    committer: null,
    parents: raw.parents.map((p) => ({
      sha: p,
      url: `${api}/commits/${p}`,
      html_url: `${c.web}/commit/${p}`,
    })),
  };
}

export function gitRef(c: RepoCoordinates, ref: string, sha: string) {
  const api = `${c.base}/repos/${c.owner}/${c.repo}`;
  return {
    ref,
    node_id: `REF_${Buffer.from(ref).toString('base64')}`,
    url: `${api}/git/${ref}`,
    object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` },
  };
}

export function label(c: RepoCoordinates, name: string, id: number) {
  return {
    id,
    node_id: `LA_${id}`,
    url: `${c.base}/repos/${c.owner}/${c.repo}/labels/${encodeURIComponent(name)}`,
    name,
    description: '',
    color: 'ededed',
    default: false,
  };
}
