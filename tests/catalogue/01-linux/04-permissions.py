"""Catalogue of 01-linux/04-permissions.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex7-answer": Exercise(
        hardcoded='''
fix_modes = "chmod 744 bin/deploy.sh; chmod 740 bin/migrate.sh; chmod 600 secrets/db.env secrets/api.key secrets/.env; chmod 700 secrets"
''',
        mistakes={
            # removes group/other bits but never sets owner rw-: a 000 or 444 secret stays so
            "chmod_R_go_eq": '''
fix_modes = r"""chmod u+x bin/*.sh; chmod -R go= secrets"""
''',
            # * skips .env
            "glob_skips_dotfiles": '''
fix_modes = r"""chmod u+x bin/*.sh; chmod 600 secrets/*; chmod 700 secrets"""
''',
            # octal sets every bit: the scripts' other bits are lost
            "octal_on_scripts": '''
fix_modes = r"""chmod 755 bin/*.sh; find secrets -type f -exec chmod 600 {} +; chmod 700 secrets"""
''',
            # +x without u adds x for group and others too
            "plus_x_for_all": '''
fix_modes = r"""chmod +x bin/*.sh; find secrets -type f -exec chmod 600 {} +; chmod 700 secrets"""
''',
            # X keeps (or adds) execute on a secret that had it
            "capital_X_keeps_exec": '''
fix_modes = r"""chmod u+x bin/*.sh; chmod -R u=rwX,go= secrets"""
''',
            # find without -type f: subfolders of secrets/ get 600 as well
            "find_without_type_f": '''
fix_modes = r"""chmod u+x bin/*.sh; find secrets -mindepth 1 -exec chmod 600 {} +; chmod 700 secrets"""
''',
            # the "fix" the lesson warns against
            "chmod_R_777": '''
fix_modes = r"""chmod -R 777 bin secrets"""
''',
        },
        alternatives={
            "find_everywhere": '''
fix_modes = r"""
find bin -maxdepth 1 -type f -name '*.sh' -exec chmod u+x {} +
find secrets -type f -exec chmod 0600 {} +
chmod 0700 secrets
"""
''',
            "symbolic_with_dotglob": '''
fix_modes = r"""
shopt -s dotglob globstar nullglob
chmod u+x bin/*.sh
for f in secrets/**; do
  if [[ -f $f ]]; then chmod u=rw,go= "$f"; fi
done
chmod u=rwx,go= secrets
"""
''',
            "find_print0_xargs": '''
fix_modes = r"""
for f in bin/*.sh; do chmod u+x "$f"; done
find secrets -type f -print0 | xargs -0 chmod 600
chmod 700 secrets
"""
''',
        },
    ),
    "ex8-answer": Exercise(
        hardcoded='''
save_token = r"""(umask 077 && echo tok_live_4f9a1c > token.txt) && touch public.txt"""
''',
        mistakes={
            # the race the lesson describes: readable until chmod
            "chmod_after_write": '''
save_token = r"""printf '%s\\n' "$API_TOKEN" > token.txt; chmod 600 token.txt; touch public.txt"""
''',
            # created 644 by touch, then closed down
            "touch_chmod_then_write": '''
save_token = r"""touch token.txt; chmod 600 token.txt; printf '%s\\n' "$API_TOKEN" > token.txt; touch public.txt"""
''',
            # the umask outlives the token: public.txt becomes 600
            "umask_not_in_subshell": '''
save_token = r"""umask 077; printf '%s\\n' "$API_TOKEN" > token.txt; touch public.txt"""
''',
            # unquoted: runs of spaces collapse, * expands
            "unquoted_echo": '''
save_token = r"""(umask 077; echo $API_TOKEN > token.txt); touch public.txt"""
''',
            # the token used as printf's format: % in it breaks the output
            "token_as_printf_format": '''
save_token = r"""(umask 077; printf "$API_TOKEN\\n" > token.txt); touch public.txt"""
''',
            # umask 700 removes the owner's bits, not the others'
            "umask_inverted": '''
save_token = r"""(umask 700; printf '%s\\n' "$API_TOKEN" > token.txt); touch public.txt"""
''',
        },
        alternatives={
            "install_m_600": '''
save_token = r"""printf '%s\\n' "$API_TOKEN" | install -m 600 /dev/stdin token.txt; touch public.txt"""
''',
            "save_and_restore_umask": '''
save_token = r"""
old=$(umask)
umask 077
echo "$API_TOKEN" > token.txt
umask "$old"
touch public.txt
"""
''',
            "symbolic_umask_heredoc": '''
save_token = r"""
(
  umask u=rwx,g=,o=
  cat > token.txt <<EOT
$API_TOKEN
EOT
)
: > public.txt
"""
''',
            "umask_then_chmod_is_harmless": '''
save_token = r"""(umask 077; printf '%s\\n' "$API_TOKEN" > token.txt; chmod 600 token.txt); touch public.txt"""
''',
        },
    ),
}
