#!/usr/bin/env bash
# A release pipeline in four smapi commands (create, build, publish, unpublish), branching on
# smapi's exit codes (`smapi --help` lists them). Run by cli/tests/pipeline.rs.
#
#   bash cli/examples/pipeline.sh skill.json
set -u
manifest="${1:-skill.json}"

SKILL=$(smapi create-skill-for-vendor --manifest "$manifest" --output id)
case $? in
  0) echo "created $SKILL" ;;
  3) echo "the manifest breaks a rule: fix it"; exit 3 ;;
  8) echo "the create may have happened: list the skills before trying again"; exit 8 ;;
  *) echo "create failed"; exit 1 ;;
esac

smapi get-skill-status -s "$SKILL" --wait > build.json
case $? in
  0) echo "built" ;;
  10) echo "build FAILED: see the violations above"; exit 10 ;;
  11) echo "build still running: try again later"; exit 11 ;;
  *) echo "status failed"; exit 1 ;;
esac

smapi publish-skill -s "$SKILL" --wait > publication.json
case $? in
  0) echo "published" ;;
  10) echo "publication FAILED or CANCELLED"; exit 10 ;;
  *) echo "publish failed"; exit 1 ;;
esac

smapi unpublish-skill -s "$SKILL" --type HIDE --reason "Published by mistake" > /dev/null
case $? in
  0) echo "unpublished" ;;
  4) echo "no such skill"; exit 4 ;;
  *) echo "unpublish failed"; exit 1 ;;
esac
