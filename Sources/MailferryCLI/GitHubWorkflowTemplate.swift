/// The GitHub Actions workflow `mailferry init --ci github` writes: on pull requests, validation
/// annotations and the plan as one comment (found again by its hidden marker and edited); on the
/// default branch, a fresh plan JSON applied with `apply --plan` after a reviewer approves the
/// protected `mailferry` environment; a local action sets mailferry up in each job. scripts/test
/// checks both with actionlint and the GitHub schemas.
enum GitHubWorkflowTemplate {
    static let path = ".github/workflows/mailferry.yml"

    /// Starts the plan comment, so that later pushes edit it instead of adding another.
    static let commentMarker = "<!-- mailferry-plan -->"

    static let actionPath = ".github/actions/setup-mailferry/action.yml"

    /// The local action the workflow's jobs set mailferry up with.
    static let action = #"""
        # Written by `mailferry init --ci github`, used by .github/workflows/mailferry.yml: installs
        # mailferry from its container image and restores the users files kept out of git.
        name: Set up mailferry
        description: Copy the mailferry binary out of its container image and restore the users files kept out of git.
        inputs:
          image:
            description: The mailferry container image (deploy/container); the repository variable MAILFERRY_IMAGE.
            required: true
          users-files:
            description: Users files that hold passwords, as the output of `tar czf - users | base64 -w0` (optional).
            required: false
            default: ""
        runs:
          using: composite
          steps:
            - name: Install mailferry
              shell: bash
              env:
                MAILFERRY_IMAGE: ${{ inputs.image }}
              run: |
                if [ -z "$MAILFERRY_IMAGE" ]; then
                  echo "::error::Set the repository variable MAILFERRY_IMAGE to the mailferry container image."
                  exit 1
                fi
                container=$(docker create "$MAILFERRY_IMAGE")
                sudo docker cp "$container:/usr/local/bin/mailferry" /usr/local/bin/mailferry
                docker rm "$container" > /dev/null
                mailferry --version
            - name: Restore users files
              shell: bash
              env:
                MAILFERRY_USERS_FILES: ${{ inputs.users-files }}
              run: |
                if [ -n "$MAILFERRY_USERS_FILES" ]; then
                  umask 077
                  printf '%s' "$MAILFERRY_USERS_FILES" | base64 -d | tar xzf -
                fi

        """#

    static let workflow = #"""
        # mailferry: job files reviewed in pull requests, applied from the default branch after approval.
        # Written by `mailferry init --ci github`; edit freely.
        #
        # Pull requests touching jobs/: every job file is validated (annotations on the diff) and the plan
        # of each changed job is posted as ONE comment, updated by later pushes. Pull requests from forks
        # get no secrets: their plan is made offline and shown in the run summary only.
        # Pushes to the default branch: every job file is planned again (plan JSON kept as the artifact
        # "mailferry-plans", Markdown in the run summary); a reviewer of the `mailferry` environment
        # approves, and `apply --plan` applies exactly those plans. A job or users file that changed after
        # the plan was made is refused as stale.
        #
        # Setup (see README, "Reviewing plans in pull requests"):
        # - repository variable MAILFERRY_IMAGE: the mailferry container image (deploy/container); the
        #   action .github/actions/setup-mailferry copies the mailferry binary out of it;
        # - a secret for every `env:` value of the job files (DEST_ADMIN_PASSWORD here): add one line per
        #   secret to each `env:` block below marked "secrets of the job files";
        # - optional secret MAILFERRY_USERS_FILES: users files that hold passwords (kept out of git), as
        #   the output of `tar czf - users | base64 -w0`;
        # - environment `mailferry` (Settings > Environments) with required reviewers, created BEFORE
        #   this workflow reaches the default branch: GitHub creates a missing environment unprotected;
        # - online plans log in to the mail servers from the runner: use a runner that reaches them
        #   (`runs-on`), or plan offline by setting ONLINE to false.
        name: mailferry

        on:
          pull_request:
            paths: ["jobs/**"]
          push:
            branches: [main]  # the default branch
            paths: ["jobs/**"]
          workflow_dispatch:

        permissions:
          contents: read

        concurrency:
          # A newer push to a pull request replaces its running plan; runs on the default branch never cancel.
          group: mailferry-${{ github.event.pull_request.number || github.run_id }}
          cancel-in-progress: true

        jobs:
          pull-request:
            name: validate and plan
            if: github.event_name == 'pull_request'
            runs-on: ubuntu-latest
            permissions:
              contents: read
              pull-requests: write
            env:
              ONLINE: ${{ github.event.pull_request.head.repo.full_name == github.repository }}
              # secrets of the job files
              DEST_ADMIN_PASSWORD: ${{ secrets.DEST_ADMIN_PASSWORD }}
            steps:
              - uses: actions/checkout@v4
                with:
                  fetch-depth: 0
              - name: Set up mailferry
                uses: ./.github/actions/setup-mailferry
                with:
                  image: ${{ vars.MAILFERRY_IMAGE }}
                  users-files: ${{ secrets.MAILFERRY_USERS_FILES }}
              - name: Validate every job file
                run: mailferry validate --format github jobs/*.yaml
              - name: Plan the changed jobs
                env:
                  BASE_SHA: ${{ github.event.pull_request.base.sha }}
                run: |
                  mode=()
                  [ "$ONLINE" = true ] || mode=(--offline)
                  echo "<!-- mailferry-plan -->" > plan-comment.md
                  git diff --name-only --diff-filter=d "$BASE_SHA" HEAD -- 'jobs/*.yaml' > changed-jobs.txt
                  if [ ! -s changed-jobs.txt ]; then
                    echo "No job file changed." >> plan-comment.md
                  fi
                  while read -r job; do
                    status=0
                    mailferry plan "${mode[@]}" --format markdown "$job" >> plan-comment.md || status=$?
                    if [ "$status" -ne 0 ]; then
                      printf '\n> **mailferry plan %s** exited with %s; see the log of this run.\n\n' "$job" "$status" >> plan-comment.md
                    fi
                  done < changed-jobs.txt
                  # GitHub refuses comments over 65,536 characters; each plan keeps itself under that limit.
                  if [ "$(wc -c < plan-comment.md)" -gt 65000 ]; then
                    head -c 64000 plan-comment.md > plan-cut.md
                    printf '\n\n> Cut to fit a comment; the full plans are in the summary of this run.\n' >> plan-cut.md
                    cat plan-comment.md >> "$GITHUB_STEP_SUMMARY"
                    mv plan-cut.md plan-comment.md
                  else
                    cat plan-comment.md >> "$GITHUB_STEP_SUMMARY"
                  fi
              - name: Post the plan as one comment
                # A fork's pull request gets a read-only token: its plan stays in the run summary.
                if: env.ONLINE == 'true'
                uses: actions/github-script@v7
                with:
                  script: |
                    const fs = require('fs');
                    const marker = '<!-- mailferry-plan -->';
                    const body = fs.readFileSync('plan-comment.md', 'utf8');
                    const { owner, repo } = context.repo;
                    const issue_number = context.issue.number;
                    const comments = await github.paginate(github.rest.issues.listComments,
                      { owner, repo, issue_number, per_page: 100 });
                    const previous = comments.find((comment) => (comment.body || '').startsWith(marker));
                    if (previous) {
                      await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
                    } else {
                      await github.rest.issues.createComment({ owner, repo, issue_number, body });
                    }

          plan-for-apply:
            name: plan for apply
            if: >-
              github.event_name != 'pull_request' &&
              github.ref == format('refs/heads/{0}', github.event.repository.default_branch)
            runs-on: ubuntu-latest
            env:
              # secrets of the job files
              DEST_ADMIN_PASSWORD: ${{ secrets.DEST_ADMIN_PASSWORD }}
            steps:
              - uses: actions/checkout@v4
              - name: Set up mailferry
                uses: ./.github/actions/setup-mailferry
                with:
                  image: ${{ vars.MAILFERRY_IMAGE }}
                  users-files: ${{ secrets.MAILFERRY_USERS_FILES }}
              - name: Plan every job
                run: |
                  mkdir -p plans
                  : > plans/jobs.txt
                  for job in jobs/*.yaml; do
                    [ -f "$job" ] || continue
                    name=$(basename "$job" .yaml)
                    mailferry plan --out "plans/$name.json" --format markdown "$job" >> "$GITHUB_STEP_SUMMARY"
                    echo "$job" >> plans/jobs.txt
                  done
              - uses: actions/upload-artifact@v4
                with:
                  name: mailferry-plans
                  path: plans/

          apply:
            name: apply the reviewed plans
            needs: plan-for-apply
            runs-on: ubuntu-latest
            # Required reviewers of this environment approve the plans shown in "plan for apply".
            environment: mailferry
            # One apply at a time; a newer run waiting here replaces an older waiting one (it plans every job).
            concurrency:
              group: mailferry-apply
              cancel-in-progress: false
            env:
              # secrets of the job files
              DEST_ADMIN_PASSWORD: ${{ secrets.DEST_ADMIN_PASSWORD }}
            steps:
              - uses: actions/checkout@v4
              - name: Set up mailferry
                uses: ./.github/actions/setup-mailferry
                with:
                  image: ${{ vars.MAILFERRY_IMAGE }}
                  users-files: ${{ secrets.MAILFERRY_USERS_FILES }}
              - uses: actions/download-artifact@v4
                with:
                  name: mailferry-plans
                  path: plans
              - name: Keep the run state between runs (it holds no secrets)
                uses: actions/cache@v4
                with:
                  path: jobs/.mailferry
                  key: mailferry-state-${{ github.run_id }}
                  restore-keys: mailferry-state-
              - name: Apply the plans
                run: |
                  result=0
                  while read -r job; do
                    name=$(basename "$job" .yaml)
                    mailferry apply --plan "plans/$name.json" "$job" || result=$?
                    { echo '```'; mailferry status "$job"; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
                  done < plans/jobs.txt
                  exit "$result"

        """#
}
