from faqcli.cli import main

main()
